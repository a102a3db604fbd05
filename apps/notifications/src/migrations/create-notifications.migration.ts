import { Migration } from '@mikro-orm/migrations';

export class CreateNotificationsMigration extends Migration {
  override up(): void {
    this.addSql(
      'create table "notifications" ("id" uuid not null, "user_id" uuid not null, "type" varchar(50) not null, ' +
        '"title" varchar(200) not null, "body" text not null, "data" jsonb not null, "read" boolean not null default false, ' +
        '"created_at" timestamptz(3) not null, primary key ("id"));',
    );
    this.addSql('create index "notifications_user_created_idx" on "notifications" ("user_id", "created_at" desc, "id" desc);');
    this.addSql(
      'create index "notifications_user_unread_idx" on "notifications" ("user_id", "created_at" desc, "id" desc) where read = false;',
    );
  }

  override down(): void {
    this.addSql('drop table if exists "notifications";');
  }
}
