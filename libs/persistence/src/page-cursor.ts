import { ApplicationError, ErrorCodes } from '@plinth/contracts';

/** A position in a list ordered by (createdAt, id): ties on the timestamp are broken by the id. */
export interface CursorPosition {
  createdAt: Date;
  id: string;
}

const SEPARATOR = '|';
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ID = /^[0-9A-Za-z_-]{1,64}$/;

/** Opaque to clients: base64url of `<ISO createdAt>|<id>`. Clients must not build or parse it. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}${SEPARATOR}${position.id}`, 'utf8').toString('base64url');
}

/** Strict: anything that `encodeCursor` could not have produced is a validation error, never a 500. */
export function decodeCursor(cursor: string): CursorPosition {
  const invalid = () =>
    new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'Invalid pagination cursor', {
      fieldErrors: [{ field: 'cursor', message: 'cursor is not a value returned as nextCursor' }],
    });
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const parts = decoded.split(SEPARATOR);
  if (parts.length !== 2) throw invalid();
  const [timestamp, id] = parts as [string, string];
  if (!ISO_TIMESTAMP.test(timestamp) || !ID.test(id)) throw invalid();
  const createdAt = new Date(timestamp);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== timestamp) throw invalid();
  if (encodeCursor({ createdAt, id }) !== cursor) throw invalid();
  return { createdAt, id };
}
