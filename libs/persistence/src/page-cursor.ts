import { ApplicationError, ErrorCodes } from '@plinth/contracts';

/** A position in a list ordered by (createdAt, id): ties on the timestamp are broken by the id. */
export interface CursorPosition {
  createdAt: Date;
  id: string;
}

const SEPARATOR = '|';
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// Every keyset-paginated table is keyed by a UUID, written lowercase by Postgres and by `encodeCursor`.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Rows are stamped by the services' clocks: a position before the Unix epoch was never produced, and one from
// year 0000 is not even a PostgreSQL date. The upper bound is the last instant the 4-digit format can spell.
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Opaque to clients: base64url of `<ISO createdAt>|<id>`. Clients must not build or parse it. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}${SEPARATOR}${position.id}`, 'utf8').toString('base64url');
}

/**
 * Strict: anything that `encodeCursor` could not have produced for a stored row is COMMON.INVALID_CURSOR
 * (400 on the `cursor` field) before any query runs — never a database error.
 */
export function decodeCursor(cursor: string): CursorPosition {
  const invalid = () =>
    new ApplicationError(ErrorCodes.INVALID_CURSOR, 'Invalid pagination cursor', {
      fieldErrors: [{ field: 'cursor', message: 'cursor is not a value returned as nextCursor' }],
    });
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const parts = decoded.split(SEPARATOR);
  if (parts.length !== 2) throw invalid();
  const [timestamp, id] = parts as [string, string];
  if (!ISO_TIMESTAMP.test(timestamp) || !UUID.test(id)) throw invalid();
  const createdAt = new Date(timestamp);
  const time = createdAt.getTime();
  if (Number.isNaN(time) || time < EARLIEST || time > LATEST || createdAt.toISOString() !== timestamp) throw invalid();
  if (encodeCursor({ createdAt, id }) !== cursor) throw invalid();
  return { createdAt, id };
}
