import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './page-cursor.js';

const position = { createdAt: new Date('2026-11-24T23:05:06.123Z'), id: '01936f4e-8a5b-7c3d-9e2f-0a1b2c3d4e5f' };

const crafted = (timestamp: string, id: string) => Buffer.from(`${timestamp}|${id}`, 'utf8').toString('base64url');

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

  it.each(['1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'])('accepts the bound %s', (timestamp) => {
    expect(decodeCursor(crafted(timestamp, position.id)).createdAt.toISOString()).toBe(timestamp);
  });

  it('encodes to url-safe base64 without padding', () => {
    expect(encodeCursor(position)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['an empty string', ''],
    ['non-base64url characters', 'abc+/='],
    ['base64 of text without a separator', Buffer.from('hello').toString('base64url')],
    ['an invalid timestamp', crafted('2026-13-45T99:00:00.000Z', position.id)],
    ['a timestamp without milliseconds', crafted('2026-11-24T23:05:06Z', position.id)],
    ['a timestamp of year 0000', crafted('0000-01-01T00:00:00.000Z', position.id)],
    ['a timestamp before the Unix epoch', crafted('1969-12-31T23:59:59.999Z', position.id)],
    ['February 30th', crafted('2026-02-30T00:00:00.000Z', position.id)],
    ['an id with forbidden characters', crafted('2026-11-24T23:05:06.123Z', "a'; drop")],
    ['an id that is not a UUID', crafted('2026-11-24T23:05:06.123Z', 'abc')],
    ['an id of UUID length without its dashes', crafted('2026-11-24T23:05:06.123Z', '01936f4e8a5b7c3d9e2f0a1b2c3d4e5f0000')],
    ['an upper-case UUID (never produced)', crafted('2026-11-24T23:05:06.123Z', position.id.toUpperCase())],
    ['a UUID with a NUL after it', crafted('2026-11-24T23:05:06.123Z', `${position.id}\u0000`)],
    ['an extra separator', crafted('2026-11-24T23:05:06.123Z', `${position.id}|b`)],
    ['a cursor with trailing junk', `${encodeCursor(position)}A`],
  ])('rejects %s as INVALID_CURSOR on the cursor field', (_case, cursor) => {
    const error = rejection(cursor);
    expect(error).toBeInstanceOf(ApplicationError);
    expect((error as ApplicationError).code).toBe(ErrorCodes.INVALID_CURSOR);
    expect((error as ApplicationError).details?.fieldErrors?.[0]?.field).toBe('cursor');
  });
});
