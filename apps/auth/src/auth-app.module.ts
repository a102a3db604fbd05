import { Module } from '@nestjs/common';
import { AccountModule } from './account/account.module.js';
import { MfaModule } from './mfa/mfa.module.js';
import { AdminSeedModule } from './admin-seed/admin-seed.module.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { SecurityEventsModule } from './security-events/security-events.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';

/** Auth's features; persistence, messaging, outbox and config come from the service bootstrap. */
@Module({
  imports: [SigningKeysModule, SessionsModule, CredentialsModule, SecurityEventsModule, AccountModule, MfaModule, AdminSeedModule],
})
export class AuthAppModule {}
