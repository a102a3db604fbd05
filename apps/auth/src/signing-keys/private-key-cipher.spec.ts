import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PrivateKeyCipher } from './private-key-cipher.js';

const JWK_JSON = '{"kty":"EC","crv":"P-256","d":"secret-scalar"}';

describe('PrivateKeyCipher', () => {
  it('stores keys as plain JSON when no encryption key is configured', () => {
    const cipher = new PrivateKeyCipher(undefined);
    expect(cipher.seal(JWK_JSON)).toBe(JWK_JSON);
    expect(cipher.open(JWK_JSON)).toBe(JWK_JSON);
  });

  it('seals so that the stored text does not reveal the key, and opens it again', () => {
    const cipher = new PrivateKeyCipher(randomBytes(32));
    const sealed = cipher.seal(JWK_JSON);
    expect(sealed).not.toContain('secret-scalar');
    expect(cipher.open(sealed)).toBe(JWK_JSON);
  });

  it('still reads keys stored in plain JSON before encryption was switched on', () => {
    expect(new PrivateKeyCipher(randomBytes(32)).open(JWK_JSON)).toBe(JWK_JSON);
  });

  it('refuses to open a sealed key with a different encryption key', () => {
    const sealed = new PrivateKeyCipher(randomBytes(32)).seal(JWK_JSON);
    expect(() => new PrivateKeyCipher(randomBytes(32)).open(sealed)).toThrow();
  });

  it('explains that the encryption key is missing when a sealed key must be opened without one', () => {
    const sealed = new PrivateKeyCipher(randomBytes(32)).seal(JWK_JSON);
    expect(() => new PrivateKeyCipher(undefined).open(sealed)).toThrow(/SIGNING_KEY_ENCRYPTION_KEY/);
  });

  it('rejects an encryption key that is not 32 bytes', () => {
    expect(() => new PrivateKeyCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
