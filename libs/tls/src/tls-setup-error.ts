/**
 * A TLS setting that cannot work: an unreadable or expired file, a key that does not match its certificate, a
 * server that fails verification. Thrown before anything is served; the message names the connection, the
 * variable or the server, and the reason, so the start-up error says what to fix.
 */
export class TlsSetupError extends Error {
  override name = 'TlsSetupError';
}
