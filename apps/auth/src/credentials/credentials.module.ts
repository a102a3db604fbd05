import { Module } from '@nestjs/common';
import { SecurityEventsModule } from '../security-events/security-events.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { CredentialsHandlers } from './credentials.handlers.js';
import { CredentialsService } from './credentials.service.js';
import { PasswordHasher } from './password-hasher.js';

@Module({
  imports: [SessionsModule, SecurityEventsModule],
  controllers: [CredentialsHandlers],
  providers: [CredentialsService, PasswordHasher],
  exports: [PasswordHasher],
})
export class CredentialsModule {}
