import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SealedField } from './sealed-field.js';

describe('SealedField', () => {
  const key = randomBytes(32);

  it('seals to a value that does not contain the plaintext and opens it again', () => {
    const field = new SealedField(key);
    const sealed = field.seal('one-time-token-value');
    expect(sealed).not.toContain('one-time-token-value');
    expect(sealed).not.toBe(field.seal('one-time-token-value'));
    expect(field.open(sealed)).toBe('one-time-token-value');
  });

  it('refuses a wrong key, a tampered value and a sealed value without a key', () => {
    const sealed = new SealedField(key).seal('secret');
    expect(() => new SealedField(randomBytes(32)).open(sealed)).toThrow();
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => new SealedField(key).open(tampered)).toThrow();
    expect(() => new SealedField(undefined).open(sealed)).toThrow(/no sealing key/);
  });

  it('passes values through unchanged without a key', () => {
    expect(new SealedField(undefined).seal('plain')).toBe('plain');
    expect(new SealedField(key).open('plain')).toBe('plain');
  });
});
