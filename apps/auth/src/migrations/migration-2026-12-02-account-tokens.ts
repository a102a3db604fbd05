import { Migration } from '@mikro-orm/migrations';

/** One-time email tokens (verification, password reset), stored hashed; when an address was verified, when an account was disabled. Additive only. */
export class AccountTokensMigration extends Migration {
  override up(): void {
    this.addSql(`alter table "credentials" add column "email_verified_at" timestamptz null, add column "disabled_at" timestamptz null;`);
    this.addSql(`create table "account_tokens" (
      "id" uuid not null, "user_id" uuid not null, "purpose" text not null, "token_hash" text not null,
      "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "invalidated_at" timestamptz null,
      primary key ("id"));`);
    this.addSql(`alter table "account_tokens" add constraint "account_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "account_tokens_user_id_purpose_index" on "account_tokens" ("user_id", "purpose");`);
  }

  override down(): void {
    this.addSql('drop table if exists "account_tokens";');
    this.addSql('alter table "credentials" drop column if exists "email_verified_at", drop column if exists "disabled_at";');
  }
}
