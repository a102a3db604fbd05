import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { SecurityEventsModule } from '../security-events/security-events.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { AccountEmails } from './account-emails.js';
import { AccountHandlers } from './account.handlers.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordsService } from './passwords.service.js';

/** What an account holder does with their account by email and password: change, reset, verify. */
@Module({
  imports: [CredentialsModule, SessionsModule, SecurityEventsModule],
  controllers: [AccountHandlers],
  providers: [AccountEmails, PasswordsService, EmailVerificationService],
})
export class AccountModule {}
