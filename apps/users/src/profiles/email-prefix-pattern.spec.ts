import { describe, expect, it } from 'vitest';
import { emailPrefixPattern } from './email-prefix-pattern.js';

describe('emailPrefixPattern', () => {
  it('lower-cases the prefix and appends one trailing wildcard', () => {
    expect(emailPrefixPattern('Ada.King@')).toBe('ada.king@%');
  });

  it('escapes percent and underscore so they match literally', () => {
    expect(emailPrefixPattern('a%b_c')).toBe('a\\%b\\_c%');
  });

  it('escapes the escape character itself', () => {
    expect(emailPrefixPattern('a\\b')).toBe('a\\\\b%');
  });

  it('matches everything for an empty prefix', () => {
    expect(emailPrefixPattern('')).toBe('%');
  });
});
