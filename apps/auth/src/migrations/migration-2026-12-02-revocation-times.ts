import { Migration } from '@mikro-orm/migrations';

/**
 * When a user's roles last changed, and an index on when sessions were revoked: what `auth.revocations.recent`
 * lists so a replica that missed the events catches up. Additive only (expand), safe with the old version running.
 */
export class RevocationTimesMigration extends Migration {
  override up(): void {
    this.addSql(`alter table "credentials" add column "roles_changed_at" timestamptz null;`);
    this.addSql(`create index "sessions_revoked_at_index" on "sessions" ("revoked_at");`);
  }

  override down(): void {
    this.addSql('drop index if exists "sessions_revoked_at_index";');
    this.addSql('alter table "credentials" drop column if exists "roles_changed_at";');
  }
}
