import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccessTokenStrategy } from './access-token.strategy.js';

/**
 * The passport strategy for access tokens (the verifier and the revocations that override it come from
 * @plinth/access-tokens through the service bootstrap). The guards are global (app module).
 */
@Module({
  imports: [PassportModule],
  providers: [AccessTokenStrategy],
})
export class AccessModule {}
