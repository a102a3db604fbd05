import type { MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';

/** Creates the outbox and inbox tables; the SQL is exactly what the entities describe (a spec diffs them). */
export class OutboxInboxMigration extends Migration {
  override up(): void {
    this.addSql(
      'create table "outbox_message" ("id" uuid not null, "type" text not null, "payload" jsonb not null, ' +
        '"headers" jsonb not null, "created_at" timestamptz not null, "sent_at" timestamptz null, ' +
        '"attempts" int not null default 0, "last_error" text null, primary key ("id"));',
    );
    this.addSql('create index "outbox_message_unsent_idx" on "outbox_message" ("created_at", "id") where sent_at is null;');
    this.addSql(
      'create table "inbox_message" ("message_id" uuid not null, "consumer" text not null, ' +
        '"processed_at" timestamptz not null, primary key ("message_id", "consumer"));',
    );
  }

  override down(): void {
    this.addSql('drop table if exists "inbox_message";');
    this.addSql('drop table if exists "outbox_message";');
  }
}

/** Append to a service's `migrations.migrationsList`; the name is stable and prefixed so it never clashes with the service's own. */
export const messagingMigrations: MigrationObject[] = [
  { name: 'Messaging20261124000000_outbox_inbox', class: OutboxInboxMigration },
];
