import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const SEALED_PREFIX = 'aes256gcm.';

/**
 * Seals private signing keys at rest with AES-256-GCM when an encryption key is configured.
 * Without one keys are stored as plain JWK JSON, which is still readable after a key is configured,
 * so encryption can be switched on later (new keys are then sealed).
 */
export class PrivateKeyCipher {
  constructor(private readonly encryptionKey: Buffer | undefined) {
    if (encryptionKey && encryptionKey.length !== 32) throw new Error('the signing-key encryption key must be 32 bytes');
  }

  seal(plaintext: string): string {
    if (!this.encryptionKey) return plaintext;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join('.');
  }

  open(stored: string): string {
    if (!stored.startsWith(SEALED_PREFIX)) return stored;
    if (!this.encryptionKey) throw new Error('a signing key is encrypted but SIGNING_KEY_ENCRYPTION_KEY is not set');
    const [iv, tag, ciphertext] = stored.slice(SEALED_PREFIX.length).split('.').map((part) => Buffer.from(part, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  }
}
