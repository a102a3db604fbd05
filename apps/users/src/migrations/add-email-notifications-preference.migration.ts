import { Migration } from '@mikro-orm/migrations';

export class AddEmailNotificationsPreferenceMigration extends Migration {
  override up(): void {
    this.addSql('alter table "profiles" add column "email_notifications" boolean not null default true;');
  }

  override down(): void {
    this.addSql('alter table "profiles" drop column "email_notifications";');
  }
}
