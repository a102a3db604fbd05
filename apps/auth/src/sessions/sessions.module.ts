import { Module } from '@nestjs/common';
import { SecurityEventsModule } from '../security-events/security-events.module.js';
import { SigningKeysModule } from '../signing-keys/signing-keys.module.js';
import { RecentRevocationsModule } from './recent-revocations.module.js';
import { SessionsHandlers } from './sessions.handlers.js';
import { RefreshTokenPruner } from './refresh-token-pruner.js';
import { SessionsService } from './sessions.service.js';
import { TokenIssuer } from './token-issuer.js';

@Module({
  imports: [SigningKeysModule, RecentRevocationsModule, SecurityEventsModule],
  controllers: [SessionsHandlers],
  providers: [SessionsService, TokenIssuer, RefreshTokenPruner],
  exports: [SessionsService],
})
export class SessionsModule {}
