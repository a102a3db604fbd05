import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const SEALED_PREFIX = 'aes256gcm.';

/**
 * An event field only its producer and consumer can read: AES-256-GCM under a key both are configured with, so the
 * secret it carries (a one-time token on its way to an email) is ciphertext in the outbox table, the broker, a
 * dead-letter queue and anything that prints an event. Without a key the value travels as it is (local development).
 */
export class SealedField {
  constructor(private readonly key: Buffer | undefined) {
    if (key && key.length !== 32) throw new Error('a sealing key must be 32 bytes');
  }

  get sealing(): boolean {
    return this.key !== undefined;
  }

  seal(plaintext: string): string {
    if (!this.key) return plaintext;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join('.');
  }

  /** Throws on a sealed value without the key, a wrong key or a tampered value: never returns garbage. */
  open(value: string): string {
    if (!value.startsWith(SEALED_PREFIX)) return value;
    if (!this.key) throw new Error('the field is sealed but no sealing key is configured');
    const [iv, tag, ciphertext] = value.slice(SEALED_PREFIX.length).split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !ciphertext) throw new Error('the sealed field is malformed');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  }
}

/** The key from its configured base64 form (undefined when unset). */
export const sealingKeyOf = (base64: string | undefined): Buffer | undefined => (base64 ? Buffer.from(base64, 'base64') : undefined);
