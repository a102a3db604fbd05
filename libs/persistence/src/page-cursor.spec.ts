import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './page-cursor.js';

const position = { createdAt: new Date('2026-11-24T23:05:06.123Z'), id: '01936f4e-8a5b-7c3d-9e2f-0a1b2c3d4e5f' };

const rejection = (cursor: string) => {
  try {
    decodeCursor(cursor);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('page cursor', () => {
  it('round-trips the createdAt timestamp to the millisecond and the id', () => {
    const decoded = decodeCursor(encodeCursor(position));
    expect(decoded.createdAt.toISOString()).toBe('2026-11-24T23:05:06.123Z');
    expect(decoded.id).toBe(position.id);
  });

  it('encodes to url-safe base64 without padding', () => {
    expect(encodeCursor(position)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['an empty string', ''],
    ['non-base64url characters', 'abc+/='],
    ['base64 of text without a separator', Buffer.from('hello').toString('base64url')],
    ['an invalid timestamp', Buffer.from('2026-13-45T99:00:00.000Z|abc').toString('base64url')],
    ['a timestamp without milliseconds', Buffer.from('2026-11-24T23:05:06Z|abc').toString('base64url')],
    ['an id with forbidden characters', Buffer.from("2026-11-24T23:05:06.123Z|a'; drop").toString('base64url')],
    ['an extra separator', Buffer.from('2026-11-24T23:05:06.123Z|a|b').toString('base64url')],
    ['a cursor with trailing junk', `${encodeCursor(position)}A`],
  ])('rejects %s as VALIDATION_FAILED on the cursor field', (_case, cursor) => {
    const error = rejection(cursor);
    expect(error).toBeInstanceOf(ApplicationError);
    expect((error as ApplicationError).code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect((error as ApplicationError).details?.fieldErrors?.[0]?.field).toBe('cursor');
  });
});
