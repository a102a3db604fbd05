import type { MigrationObject } from '@mikro-orm/core';
import { AuthSchemaMigration } from './migration-2026-11-24-auth-schema.js';
import { RevocationTimesMigration } from './migration-2026-12-02-revocation-times.js';
import { TotpMigration } from './migration-2026-12-02-totp.js';
import { AccountTokensMigration } from './migration-2026-12-02-account-tokens.js';
import { SessionActivityAndSecurityEventsMigration } from './migration-2026-12-02-session-activity-and-security-events.js';

/** Applied in this order; append, never reorder or edit a shipped migration. */
export const authMigrations: MigrationObject[] = [
  { name: '2026-11-24-auth-schema', class: AuthSchemaMigration },
  { name: '2026-12-02-revocation-times', class: RevocationTimesMigration },
  { name: '2026-12-02-session-activity-and-security-events', class: SessionActivityAndSecurityEventsMigration },
  { name: '2026-12-02-account-tokens', class: AccountTokensMigration },
  { name: '2026-12-02-totp', class: TotpMigration },
];
