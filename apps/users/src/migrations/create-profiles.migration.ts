import { Migration } from '@mikro-orm/migrations';

export class CreateProfilesMigration extends Migration {
  override up(): void {
    this.addSql(
      'create table "profiles" ("id" uuid not null, "email" varchar(254) not null, "display_name" varchar(100) not null, ' +
        '"created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, primary key ("id"));',
    );
    this.addSql('create index "profiles_created_at_id_idx" on "profiles" ("created_at" desc, "id" desc);');
    // text_pattern_ops lets `lower(email) like 'prefix%'` use the index whatever the database collation.
    this.addSql('create index "profiles_email_lower_prefix_idx" on "profiles" (lower("email") text_pattern_ops);');
  }

  override down(): void {
    this.addSql('drop table if exists "profiles";');
  }
}
