import { Migration } from '@mikro-orm/migrations';

/** Credentials, sessions, the refresh-token chain and the shared signing keys. */
export class AuthSchemaMigration extends Migration {
  override up(): void {
    this.addSql(`create table "credentials" (
      "id" uuid not null, "email" text not null, "password_hash" text not null, "display_name" text not null,
      "roles" text[] not null, "created_at" timestamptz not null, "updated_at" timestamptz not null,
      primary key ("id"));`);
    this.addSql(`alter table "credentials" add constraint "credentials_email_unique" unique ("email");`);

    this.addSql(`create table "sessions" (
      "id" uuid not null, "user_id" uuid not null, "created_at" timestamptz not null,
      "revoked_at" timestamptz null, "revoke_reason" text null,
      primary key ("id"));`);
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);

    this.addSql(`create table "refresh_tokens" (
      "id" uuid not null, "session_id" uuid not null, "token_hash" text not null, "created_at" timestamptz not null,
      "expires_at" timestamptz not null, "used_at" timestamptz null, "replaced_by" uuid null,
      primary key ("id"));`);
    this.addSql(`create index "refresh_tokens_session_id_index" on "refresh_tokens" ("session_id");`);
    this.addSql(`create index "refresh_tokens_expires_at_index" on "refresh_tokens" ("expires_at");`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "signing_keys" (
      "kid" text not null, "alg" text not null, "public_jwk" jsonb not null, "private_key" text not null,
      "created_at" timestamptz not null, "retired_at" timestamptz null,
      primary key ("kid"));`);
  }

  override down(): void {
    this.addSql('drop table if exists "signing_keys";');
    this.addSql('drop table if exists "refresh_tokens";');
    this.addSql('drop table if exists "sessions";');
    this.addSql('drop table if exists "credentials";');
  }
}
