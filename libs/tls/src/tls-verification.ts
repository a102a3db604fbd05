import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import { TlsSetupError } from './tls-setup-error.js';

/** One TLS client connection of the service, as configured. */
export interface TlsEndpoint {
  /** What it is, for messages: `RabbitMQ (RABBITMQ_URL)`. */
  connection: string;
  host: string;
  port: number;
  options: ConnectionOptions;
  /** PostgreSQL negotiates TLS inside its own protocol (SSLRequest) instead of from the first byte. */
  negotiation?: 'direct' | 'postgres';
}

export type VerificationOutcome = 'verified' | 'unreachable';

// OpenSSL's verification results as Node reports them, worded for whoever reads the start-up error.
const VERIFICATION_FAILURES: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed and not among the trusted CAs',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chains to a CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate is not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is not signed by a trusted CA',
  CERT_SIGNATURE_FAILURE: 'its certificate signature does not verify',
  CERT_REVOKED: 'its certificate is revoked',
  CERT_UNTRUSTED: 'its certificate is not trusted',
  INVALID_CA: 'its chain contains a certificate that is not a CA',
  ERR_SSL_WRONG_VERSION_NUMBER: 'it did not answer in TLS (a plaintext port?)',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'it offers no TLS version this client accepts (TLS 1.2+)',
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'it offers no TLS version this client accepts (TLS 1.2+)',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'it refused the handshake (no common cipher, or a client certificate is required)',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'it requires a client certificate',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'it refused our client certificate',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'it does not trust the CA of our client certificate',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'it refused our client certificate as expired',
};

/** Why a TLS connection failed, in words, when the failure is about TLS (not about the network). */
export function tlsFailureReason(error: unknown): string | undefined {
  const code = (error as { code?: string } | undefined)?.code;
  if (!code) return undefined;
  const reason = VERIFICATION_FAILURES[code];
  if (reason) return `${reason} [${code}${code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? `: ${(error as Error).message}` : ''}]`;
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') ? `${(error as Error).message} [${code}]` : undefined;
}

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]); // length 8, code 80877103

/** Asks a PostgreSQL server to switch to TLS; resolves with the plain socket once it agreed ('S'). */
function postgresStartTls(endpoint: TlsEndpoint, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: endpoint.host, port: endpoint.port });
    socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(SSL_REQUEST));
    socket.once('data', (answer) => {
      socket.removeListener('error', reject);
      socket.setTimeout(0);
      if (answer[0] === 0x53) return resolve(socket);
      socket.destroy();
      reject(new TlsSetupError(`${endpoint.connection} at ${endpoint.host}:${endpoint.port}: the server does not accept TLS (answered the SSL request with "${String.fromCharCode(answer[0] ?? 0)}")`));
    });
  });
}

/**
 * One handshake with the server, verifying exactly what the real client will: the certificate chain against the
 * configured CAs, validity, and the host name. A TLS failure is a TlsSetupError naming the connection and the
 * reason; a server that cannot be reached at all is 'unreachable' and left to the client's own retries (the
 * broker may start after us; that is not a configuration error).
 */
export async function verifyTlsEndpoint(endpoint: TlsEndpoint, timeoutMs = 5_000): Promise<VerificationOutcome> {
  const where = `${endpoint.connection} at ${endpoint.host}:${endpoint.port}`;
  let socket: Socket | undefined;
  try {
    if (endpoint.negotiation === 'postgres') socket = await postgresStartTls(endpoint, timeoutMs);
  } catch (error) {
    if (error instanceof TlsSetupError) throw error;
    return 'unreachable';
  }
  return new Promise((resolve, reject) => {
    const tlsSocket = connectTls({
      ...endpoint.options,
      host: endpoint.host,
      port: endpoint.port,
      ...(socket ? { socket } : {}),
      ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }),
      rejectUnauthorized: true,
    });
    tlsSocket.setTimeout(timeoutMs, () => {
      tlsSocket.destroy();
      resolve('unreachable');
    });
    tlsSocket.once('secureConnect', () => {
      tlsSocket.destroy();
      resolve('verified');
    });
    tlsSocket.once('error', (error) => {
      tlsSocket.destroy();
      const reason = tlsFailureReason(error);
      if (reason) reject(new TlsSetupError(`${where}: TLS verification failed: ${reason}`));
      else resolve('unreachable');
    });
  });
}
