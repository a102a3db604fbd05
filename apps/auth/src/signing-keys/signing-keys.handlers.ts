import { WithoutAccessToken } from '@plinth/access-tokens';
import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { AuthRpc, type JwksResult } from '@plinth/contracts';
import { SigningKeyRing } from './signing-key-ring.js';

@Controller()
export class SigningKeysHandlers {
  constructor(private readonly keyRing: SigningKeyRing) {}

  // Public keys, and what every verifier needs before it can check any token.
  @MessagePattern(AuthRpc.jwks)
  @WithoutAccessToken()
  jwks(): Promise<JwksResult> {
    return this.keyRing.jwks();
  }
}
