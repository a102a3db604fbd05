import { verifyTlsEndpoint, type TlsEndpoint } from '@plinth/tls';
import type { BaseServiceConfig } from '../config/base-service.config.js';
import { connectionTlsOf, type ConnectionTls } from './connection-tls.js';

/**
 * Builds every connection's TLS options (checking the files) and makes one verification handshake with each TLS
 * server, so a wrong CA, an expired certificate or another host's certificate stops the service at once with
 * the connection and the reason — instead of a retry loop, a readiness probe that never turns green, or (for
 * Redis) limits that quietly fail open. Servers that are down are left to the clients' reconnects.
 * Throws TlsSetupError.
 */
export async function prepareConnectionTls(config: BaseServiceConfig, extraEndpoints: TlsEndpoint[] = []): Promise<ConnectionTls> {
  const tls = connectionTlsOf(config);
  await Promise.all([...tls.endpoints, ...extraEndpoints].map((endpoint) => verifyTlsEndpoint(endpoint)));
  return tls;
}
