// Node's socket errors: the peer (a database, another server) is down, restarting or unreachable.
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
// PostgreSQL SQLSTATEs of a server that is going away or not accepting connections yet: class 08
// (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
// Drivers copy them onto the error as `code` (pg, and MikroORM's DriverException).
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123])$/;
// node-postgres reports a connection that vanished mid-query without any code.
const CONNECTION_LOST_MESSAGE = /^Connection terminated( unexpectedly|$)|timeout exceeded when trying to connect/;

/**
 * True when a handler failed because a dependency it talks to is unreachable, not because of the request:
 * the caller gets COMMON.UNAVAILABLE (503 + Retry-After at the gateway) instead of an internal error, and
 * may retry. Follows `cause` chains (wrapped driver errors).
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (CONNECTION_LOST_MESSAGE.test(current.message)) return true;
  }
  return false;
}
