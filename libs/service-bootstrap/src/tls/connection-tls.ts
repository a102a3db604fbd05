import type { ConnectionOptions } from 'node:tls';
import { clientTlsOptions, type KeyPairFiles, type PemFile, type TlsEndpoint } from '@plinth/tls';
import type { BaseServiceConfig, DatabaseServiceConfig } from '../config/base-service.config.js';
import { isEncryptedUrl } from '../config/tls-config.rules.js';

const file = (variable: string, path: string | undefined): PemFile | undefined => (path ? { variable, path } : undefined);

const defaultPorts: Record<string, number> = { 'amqps:': 5671, 'postgres:': 5432, 'postgresql:': 5432, 'rediss:': 6379, 'https:': 443 };

function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) || (defaultPorts[parsed.protocol] ?? 443) };
}

/** The TLS options of every client connection this service makes, built (and their files checked) once at start. */
export interface ConnectionTls {
  /** amqps:// → options for amqplib's socket; undefined for amqp://. */
  broker?: ConnectionOptions;
  /** sslmode=verify-full → pg's `ssl`; undefined without. */
  database?: ConnectionOptions;
  /** TLS_CERT_FILE/TLS_KEY_FILE → the HTTP listener serves HTTPS. */
  server?: KeyPairFiles;
  /** Every TLS connection with its server, for the start-up verification handshake. */
  endpoints: TlsEndpoint[];
}

/** Throws TlsSetupError (naming the variable) for a file that cannot work. */
export function connectionTlsOf(config: BaseServiceConfig): ConnectionTls {
  const endpoints: TlsEndpoint[] = [];
  let broker: ConnectionOptions | undefined;
  if (isEncryptedUrl.amqp(config.RABBITMQ_URL)) {
    const server = hostAndPort(config.RABBITMQ_URL);
    broker = clientTlsOptions('RabbitMQ', {
      ca: file('RABBITMQ_CA_FILE', config.RABBITMQ_CA_FILE),
      cert: file('RABBITMQ_CERT_FILE', config.RABBITMQ_CERT_FILE),
      key: file('RABBITMQ_KEY_FILE', config.RABBITMQ_KEY_FILE),
    }, server.host);
    endpoints.push({ connection: 'RabbitMQ (RABBITMQ_URL)', ...server, options: broker });
  }
  let database: ConnectionOptions | undefined;
  const { DATABASE_URL, DATABASE_CA_FILE, DATABASE_CERT_FILE, DATABASE_KEY_FILE } = config as Partial<DatabaseServiceConfig>;
  if (DATABASE_URL && isEncryptedUrl.postgres(DATABASE_URL)) {
    const server = hostAndPort(DATABASE_URL);
    database = clientTlsOptions('PostgreSQL', {
      ca: file('DATABASE_CA_FILE', DATABASE_CA_FILE),
      cert: file('DATABASE_CERT_FILE', DATABASE_CERT_FILE),
      key: file('DATABASE_KEY_FILE', DATABASE_KEY_FILE),
    }, server.host);
    endpoints.push({ connection: 'PostgreSQL (DATABASE_URL)', ...server, options: database, negotiation: 'postgres' });
  }
  const otlpVariable = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const otlp = config[otlpVariable];
  if (otlp && isEncryptedUrl.otlp(otlp)) {
    const server = hostAndPort(otlp);
    const options = clientTlsOptions('OTLP exporter', {
      ca: file('OTEL_EXPORTER_OTLP_CERTIFICATE', config.OTEL_EXPORTER_OTLP_CERTIFICATE),
      cert: file('OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', config.OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE),
      key: file('OTEL_EXPORTER_OTLP_CLIENT_KEY', config.OTEL_EXPORTER_OTLP_CLIENT_KEY),
    }, server.host);
    endpoints.push({ connection: `OTLP exporter (${otlpVariable})`, ...server, options });
  }
  const server = config.TLS_CERT_FILE && config.TLS_KEY_FILE
    ? { cert: { variable: 'TLS_CERT_FILE', path: config.TLS_CERT_FILE }, key: { variable: 'TLS_KEY_FILE', path: config.TLS_KEY_FILE } }
    : undefined;
  return { broker, database, server, endpoints };
}

// TLS_CERT_FILE, RABBITMQ_CA_FILE, DATABASE_CERT_FILE, an app's REDIS_CA_FILE, OTEL_EXPORTER_OTLP_CERTIFICATE …
const CERTIFICATE_VARIABLE = /(^|_)(CA|CERT)_FILE$|_CERTIFICATE$/;

/** Every certificate file the configuration names (the service's own and the CAs it trusts), for the expiry gauge. */
export function certificateFilesOf(config: BaseServiceConfig): string[] {
  const paths = Object.entries(config)
    .filter(([name, value]) => CERTIFICATE_VARIABLE.test(name) && typeof value === 'string' && value !== '')
    .map(([, value]) => value as string);
  return [...new Set(paths)];
}
