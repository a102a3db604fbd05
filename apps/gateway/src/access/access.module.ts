import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccessTokenStrategy } from './access-token.strategy.js';
import { TokenRevocationHandlers } from './token-revocation.handlers.js';
import { TokenRevocations } from './token-revocations.js';

/**
 * The passport strategy for access tokens and the revocations that override its local verification (the
 * verifier itself comes from @plinth/access-tokens through the service bootstrap). The guards are global
 * (app module).
 */
@Module({
  imports: [PassportModule],
  controllers: [TokenRevocationHandlers],
  providers: [TokenRevocations, AccessTokenStrategy],
  exports: [TokenRevocations],
})
export class AccessModule {}
