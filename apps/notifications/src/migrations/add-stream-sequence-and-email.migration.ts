import { Migration } from '@mikro-orm/migrations';

export class AddStreamSequenceAndEmailMigration extends Migration {
  override up(): void {
    this.addSql('alter table "notifications" add column "sequence" int null;');
    // Existing rows get their users' sequences in (created_at, id) order, the best order known for them.
    this.addSql(
      'update "notifications" n set "sequence" = s.seq from (select "id", row_number() over ' +
        '(partition by "user_id" order by "created_at", "id") as seq from "notifications") s where n."id" = s."id";',
    );
    this.addSql('alter table "notifications" alter column "sequence" set not null;');
    this.addSql('create unique index "notifications_user_sequence_idx" on "notifications" ("user_id", "sequence");');
    this.addSql('create table "notification_sequences" ("user_id" uuid not null, "last_sequence" int not null, primary key ("user_id"));');
    this.addSql(
      'insert into "notification_sequences" ("user_id", "last_sequence") select "user_id", max("sequence") from "notifications" group by "user_id";',
    );
    this.addSql(
      `create table "email_deliveries" ("notification_id" uuid not null, "status" varchar(20) not null default 'pending', ` +
        '"attempts" int not null default 0, "next_attempt_at" timestamptz(3) not null, "last_error" text null, ' +
        '"sent_at" timestamptz(3) null, "created_at" timestamptz(3) not null, primary key ("notification_id"));',
    );
    this.addSql(`create index "email_deliveries_due_idx" on "email_deliveries" ("next_attempt_at") where status = 'pending';`);
  }

  override down(): void {
    this.addSql('drop table if exists "email_deliveries";');
    this.addSql('drop table if exists "notification_sequences";');
    this.addSql('drop index if exists "notifications_user_sequence_idx";');
    this.addSql('alter table "notifications" drop column "sequence";');
  }
}
