import { Injectable } from '@nestjs/common';
import { AuthConfig } from '../config.js';
import { PrivateKeyCipher } from '../signing-keys/private-key-cipher.js';

/** TOTP secrets at rest are sealed exactly like the private signing keys: AES-256-GCM under SIGNING_KEY_ENCRYPTION_KEY. */
@Injectable()
export class TotpSecretCipher {
  private readonly cipher: PrivateKeyCipher;

  constructor(config: AuthConfig) {
    this.cipher = new PrivateKeyCipher(config.SIGNING_KEY_ENCRYPTION_KEY ? Buffer.from(config.SIGNING_KEY_ENCRYPTION_KEY, 'base64') : undefined);
  }

  seal(secret: string): string {
    return this.cipher.seal(secret);
  }

  open(stored: string): string {
    return this.cipher.open(stored);
  }
}
