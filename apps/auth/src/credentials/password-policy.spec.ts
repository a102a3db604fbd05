import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { describe, expect, it } from 'vitest';
import { assertAcceptablePassword, isCommonPassword } from './password-policy.js';

describe('password policy', () => {
  it('refuses a breached password of policy length, whatever its case', () => {
    expect(isCommonPassword('1qaz2wsx3edc')).toBe(true);
    expect(isCommonPassword('QWERTY123456')).toBe(true);
  });

  it('accepts an uncommon passphrase', () => {
    expect(isCommonPassword('violet-harbour-tram-1931')).toBe(false);
    expect(() => assertAcceptablePassword('violet-harbour-tram-1931')).not.toThrow();
  });

  it('reports a common password as a VALIDATION_FAILED field error on password', () => {
    let thrown: unknown;
    try {
      assertAcceptablePassword('123qweasdzxc');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApplicationError);
    expect((thrown as ApplicationError).code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect((thrown as ApplicationError).details).toEqual({
      fieldErrors: [{ field: 'password', message: 'password is too common: it appears in lists of breached passwords' }],
    });
  });
});
