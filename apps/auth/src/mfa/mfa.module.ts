import { Module } from '@nestjs/common';
import { SecurityEventsModule } from '../security-events/security-events.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { MfaHandlers } from './mfa.handlers.js';
import { MfaService } from './mfa.service.js';
import { TotpSecretCipher } from './totp-secret-cipher.js';

/** The TOTP second factor: enrolment, the code step of a login, turning it off. */
@Module({
  imports: [SessionsModule, SecurityEventsModule],
  controllers: [MfaHandlers],
  providers: [MfaService, TotpSecretCipher],
})
export class MfaModule {}
