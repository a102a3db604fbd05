import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { AuthRpc, type JwksResult } from '@plinth/contracts';
import { SigningKeyRing } from './signing-key-ring.js';

@Controller()
export class SigningKeysHandlers {
  constructor(private readonly keyRing: SigningKeyRing) {}

  @MessagePattern(AuthRpc.jwks)
  jwks(): Promise<JwksResult> {
    return this.keyRing.jwks();
  }
}
