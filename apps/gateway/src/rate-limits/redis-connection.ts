import type { ConnectionOptions } from 'node:tls';
import { isEncryptedUrl } from '@plinth/service-bootstrap';
import { clientTlsOptions, type TlsEndpoint } from '@plinth/tls';
import type { GatewayConfig } from '../config.js';

/** Where the shared rate-limit and login-delay state lives, and how to reach it securely. */
export interface RedisConnection {
  url: string;
  /** rediss:// only: ioredis passes these to tls.connect (CA, client certificate; chain and name always verified). */
  tls?: ConnectionOptions;
}

export function redisConnectionOf(config: GatewayConfig): RedisConnection | undefined {
  if (!config.REDIS_URL) return undefined;
  if (!isEncryptedUrl.redis(config.REDIS_URL)) return { url: config.REDIS_URL };
  const file = (variable: string, path: string | undefined) => (path ? { variable, path } : undefined);
  const tls = clientTlsOptions('Redis', {
    ca: file('REDIS_CA_FILE', config.REDIS_CA_FILE),
    cert: file('REDIS_CERT_FILE', config.REDIS_CERT_FILE),
    key: file('REDIS_KEY_FILE', config.REDIS_KEY_FILE),
  }, hostOf(config.REDIS_URL));
  return { url: config.REDIS_URL, tls };
}

/** Verified at start-up with the broker: a Redis that fails TLS must stop the gateway, not make its limits fail open. */
export function redisTlsEndpoints(config: GatewayConfig): TlsEndpoint[] {
  const connection = redisConnectionOf(config);
  if (!connection?.tls) return [];
  return [{ connection: 'Redis (REDIS_URL)', host: hostOf(connection.url), port: Number(new URL(connection.url).port) || 6379, options: connection.tls }];
}

const hostOf = (url: string): string => new URL(url).hostname.replace(/^\[|\]$/g, '');
