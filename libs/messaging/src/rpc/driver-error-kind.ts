// Node's socket errors: the peer (a database, another server) is down, restarting or unreachable.
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
// PostgreSQL SQLSTATEs (drivers copy them onto the error as `code`: pg, and MikroORM's DriverException):
// - a server that is going away or not accepting connections yet: class 08 (connection exception),
//   57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now;
// - class 22 (data exception): a value the database cannot take — a date out of range, a number that overflows
//   its column. The request is at fault, not the server. So is 08P01 (protocol violation), although in class 08:
//   node-postgres sends a parameter holding NUL as is, the server cannot parse that message and says
//   "invalid message format" — on a connection that stays usable;
// - class 23 (integrity constraint violation): unique, foreign key, check, not null — the request conflicts with
//   the data as it is now.
const UNAVAILABLE_SQLSTATE = /^(08(?!P01)[0-9A-Z]{3}|57P0[123])$/;
const INVALID_INPUT_SQLSTATE = /^(22[0-9A-Z]{3}|08P01)$/;
const CONSTRAINT_SQLSTATE = /^23[0-9A-Z]{3}$/;
// node-postgres reports a connection that vanished mid-query without any code.
const CONNECTION_LOST_MESSAGE = /^Connection terminated( unexpectedly|$)|timeout exceeded when trying to connect/;

export type DriverErrorKind = 'unavailable' | 'invalid-input' | 'constraint';

/**
 * What a failed handler's error says about whose fault it is, when it comes from a driver:
 * - `unavailable`: a dependency is unreachable — the caller gets COMMON.UNAVAILABLE (503 + Retry-After) and may retry;
 * - `invalid-input`: the database refused a value of the request — COMMON.VALIDATION_FAILED (400);
 * - `constraint`: the write conflicts with stored data — COMMON.CONFLICT (409);
 * - undefined: not a driver error we can judge (a bug): COMMON.INTERNAL.
 * Follows `cause` chains (wrapped driver errors); the first error that tells decides.
 */
export function driverErrorKind(error: unknown): DriverErrorKind | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)) return 'unavailable';
      if (INVALID_INPUT_SQLSTATE.test(code)) return 'invalid-input';
      if (CONSTRAINT_SQLSTATE.test(code)) return 'constraint';
    }
    if (CONNECTION_LOST_MESSAGE.test(current.message)) return 'unavailable';
  }
  return undefined;
}
