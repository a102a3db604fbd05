import { Module } from '@nestjs/common';
import { JwksKeyStore } from './jwks-key-store.js';
import { JwtStrategy } from './jwt.strategy.js';
import { TokenRevocationHandlers } from './token-revocation.handlers.js';
import { TokenRevocations } from './token-revocations.js';

/** Local access-token verification and the revocations that override it. The guards are global (app module). */
@Module({
  controllers: [TokenRevocationHandlers],
  providers: [JwksKeyStore, TokenRevocations, JwtStrategy],
  exports: [TokenRevocations],
})
export class AccessModule {}
