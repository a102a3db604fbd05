import { Migration } from '@mikro-orm/migrations';

/** TOTP factors (secret sealed like the signing keys) and hashed single-use recovery codes. Additive only. */
export class TotpMigration extends Migration {
  override up(): void {
    this.addSql(`create table "totp_factors" (
      "user_id" uuid not null, "secret" text not null, "confirmed_at" timestamptz null, "last_used_step" bigint null,
      "failed_attempts" int not null default 0, "locked_until" timestamptz null,
      primary key ("user_id"));`);
    this.addSql(`create table "recovery_codes" (
      "id" uuid not null, "user_id" uuid not null, "code_hash" text not null, "used_at" timestamptz null,
      primary key ("id"));`);
    this.addSql(`create index "recovery_codes_user_id_index" on "recovery_codes" ("user_id");`);
  }

  override down(): void {
    this.addSql('drop table if exists "recovery_codes";');
    this.addSql('drop table if exists "totp_factors";');
  }
}
