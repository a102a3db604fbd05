import { Migration } from '@mikro-orm/migrations';

/**
 * When and from where each session was last used (idle timeout, the caller's session list), and the security-event
 * trail. Additive only (expand): old replicas ignore the new columns (`last_used_at` defaults to now() for their inserts).
 */
export class SessionActivityAndSecurityEventsMigration extends Migration {
  override up(): void {
    this.addSql(`alter table "sessions" add column "last_used_at" timestamptz null, add column "user_agent" text null, add column "address" text null;`);
    this.addSql(`update "sessions" set "last_used_at" = "created_at" where "last_used_at" is null;`);
    this.addSql(`alter table "sessions" alter column "last_used_at" set default now(), alter column "last_used_at" set not null;`);

    this.addSql(`create table "security_events" (
      "id" uuid not null, "user_id" uuid not null, "type" text not null, "actor_id" uuid null,
      "address" text null, "user_agent" text null, "created_at" timestamptz not null,
      primary key ("id"));`);
    this.addSql(`create index "security_events_user_id_created_at_index" on "security_events" ("user_id", "created_at", "id");`);
  }

  override down(): void {
    this.addSql('drop table if exists "security_events";');
    this.addSql('alter table "sessions" drop column if exists "last_used_at", drop column if exists "user_agent", drop column if exists "address";');
  }
}
