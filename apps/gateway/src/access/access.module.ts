import { Module } from '@nestjs/common';
import { TokenRevocationHandlers } from './token-revocation.handlers.js';
import { TokenRevocations } from './token-revocations.js';

/**
 * The revocations that override local access-token verification (the verifier itself comes from
 * @plinth/access-tokens through the service bootstrap). The guards are global (app module).
 */
@Module({
  controllers: [TokenRevocationHandlers],
  providers: [TokenRevocations],
  exports: [TokenRevocations],
})
export class AccessModule {}
