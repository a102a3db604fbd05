import { Migration } from '@mikro-orm/migrations';

export class AddEmailVerifiedMigration extends Migration {
  override up(): void {
    this.addSql('alter table "profiles" add column "email_verified" boolean not null default false;');
  }

  override down(): void {
    this.addSql('alter table "profiles" drop column "email_verified";');
  }
}
