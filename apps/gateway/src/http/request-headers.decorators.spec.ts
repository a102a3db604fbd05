import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { describe, expect, it } from 'vitest';
import { parseIdempotencyKey, parseIfMatch } from './request-headers.decorators.js';

const fieldOfFailure = (parse: () => unknown): string | undefined => {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationError);
    expect((error as ApplicationError).code).toBe(ErrorCodes.VALIDATION_FAILED);
    return (error as ApplicationError).details?.fieldErrors?.[0]?.field;
  }
  throw new Error('expected a validation failure');
};

describe('parseIfMatch', () => {
  it.each([
    ['"3"', 3],
    ['3', 3],
    ['W/"12"', 12],
    [' "7" ', 7],
  ])('reads %s as version %i', (header, version) => expect(parseIfMatch(header)).toBe(version));

  it.each([undefined, '*'])('reads %s as no expected version', (header) => expect(parseIfMatch(header)).toBeUndefined());

  it.each(['"0"', '"-1"', 'abc', '"1", "2"', '"12345678901"', '""'])('refuses %s as a 400 on If-Match', (header) => {
    expect(fieldOfFailure(() => parseIfMatch(header))).toBe('If-Match');
  });
});

describe('parseIdempotencyKey', () => {
  it('accepts 128 visible characters', () => expect(parseIdempotencyKey('k'.repeat(128))).toBe('k'.repeat(128)));
  it('treats an absent header as no key', () => expect(parseIdempotencyKey(undefined)).toBeUndefined());
  it.each(['', 'k'.repeat(129), 'has space', 'ключ'])('refuses %s as a 400 on Idempotency-Key', (key) => {
    expect(fieldOfFailure(() => parseIdempotencyKey(key))).toBe('Idempotency-Key');
  });
});
