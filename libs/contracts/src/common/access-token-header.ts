/**
 * The AMQP header that carries the caller's access token (the raw JWT the gateway verified) with an
 * RPC request made on a user's behalf, so the receiving service can verify it again itself.
 */
export const ACCESS_TOKEN_HEADER = 'x-access-token';
