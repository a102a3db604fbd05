// TLS on every hop, against real TLS servers started for this file: a private RabbitMQ (amqps only,
// ssl_options.verify = verify_peer, fail_if_no_peer_cert), a private PostgreSQL (ssl = on, hostssl-only pg_hba),
// Redis TLS-only, an https OTLP receiver, and every service serving HTTPS with TLS_REQUIRED=true. The servers'
// own listings prove each connection is encrypted; wrong CA, expired certificate and wrong host stop a service
// at start-up with the reason; plaintext to every TLS-only listener is refused.
import { X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  LocalCa, OtlpReceiver, PrivateRedis, ServiceProcess, freePort, startTlsInfrastructure, trustTestCa, waitUntil,
  type RunningSystem, type TlsInfrastructure,
} from '@plinth/testing';
import { clientTlsOptions } from '@plinth/tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { eventually } from './support/eventually.js';
import { PlinthApi, sampleOrder } from './support/plinth-api.js';

vi.setConfig({ testTimeout: 60_000 });

const DAY_MS = 86_400_000;
const DATABASE_SERVICES = ['auth', 'users', 'orders', 'notifications'];

let dir: string;
let infra: TlsInfrastructure;
let otlp: OtlpReceiver;
let system: RunningSystem;
let api: PlinthApi;
let otherCa: LocalCa;

const handshake = (port: number, options: ConnectionOptions = {}): Promise<TLSSocket> =>
  new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(infra.ca.caFile), ...options });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });

interface StartOutcome {
  code: number | null;
  output: string;
}

/** A service started alone with one broken TLS setting; resolves with its exit code and output (SIGKILL after 90 s). */
async function failedStart(service: string, env: Record<string, string>): Promise<StartOutcome> {
  const database: Record<string, string> = DATABASE_SERVICES.includes(service) ? { DATABASE_URL: system.databaseUrlOf(service as 'orders') } : {};
  const child = new ServiceProcess(service, await freePort(), { ...(process.env as Record<string, string>), ...system.env, ...database, ...env });
  child.start();
  await waitUntil(() => !child.isRunning, 90_000).catch(() => undefined);
  return { code: await child.stop('SIGKILL'), output: child.logs() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plinth-e2e-tls-'));
  chmodSync(dir, 0o755); // the private PostgreSQL runs as the postgres user and must reach its directory
  infra = await startTlsInfrastructure(join(dir, 'infra'));
  trustTestCa(infra.ca.caFile);
  otherCa = await LocalCa.create(join(dir, 'other-ca'), 'ca', 'Not the Plinth CA');
  otlp = await OtlpReceiver.start(await infra.ca.issue({ hosts: ['127.0.0.1'], name: 'otlp' }));
  system = await startE2eSystem({
    infrastructure: infra,
    env: { ...infra.env, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_CERTIFICATE: infra.ca.caFile, OTEL_BSP_SCHEDULE_DELAY: '200' },
  });
  api = new PlinthApi(system.gatewayUrl);
}, SYSTEM_START_TIMEOUT_MS + 90_000);

afterAll(async () => {
  await stopE2eSystem(system, 'tls');
  await otlp?.stop();
  await infra?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 90_000);

describe('TLS on every hop', () => {
  it('serves the API over HTTPS: TLS 1.3 and 1.2, HTTP/1.1 by ALPN, nothing older', async () => {
    expect(system.gatewayUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(new URL(system.gatewayUrl).port);
    const tls13 = await handshake(port, { ALPNProtocols: ['h2', 'http/1.1'] });
    expect([tls13.getProtocol(), tls13.alpnProtocol]).toEqual(['TLSv1.3', 'http/1.1']);
    tls13.destroy();
    const tls12 = await handshake(port, { maxVersion: 'TLSv1.2' });
    expect(tls12.getProtocol()).toBe('TLSv1.2');
    expect(tls12.getCipher().name).toMatch(/^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
    tls12.destroy();
    await expect(handshake(port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' })).rejects.toThrow();
    const health = await fetch(`${system.gatewayUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('strict-transport-security')).toContain('max-age=31536000');
  });

  it('runs the journey over TLS: register, login, order, notification', async () => {
    const customer = await api.register('tls');
    await api.login(customer.email, customer.password);
    const order = await api.createOrder(customer.tokens.accessToken, sampleOrder());
    await eventually(async () => {
      const notifications = await api.listNotifications(customer.tokens.accessToken, '?limit=10');
      const types = notifications.items.map((n) => `${n.type}:${String((n.data as { orderId?: string }).orderId ?? '')}`).sort();
      return types.includes(`order.created:${order.id}`) && types.includes('welcome:') ? true : undefined;
    }, { timeoutMs: 20_000, description: 'welcome and order.created notifications' });
    await api.login(ADMIN.email, ADMIN.password);
  });

  it('every broker connection is TLS with a client certificate (rabbitmqctl list_connections)', async () => {
    const connections = await infra.rabbit.connections();
    const services = new Set(connections.map((connection) => connection.connectionName.split('@')[0]));
    expect([...services].sort()).toEqual(['auth', 'catalog', 'gateway', 'notifications', 'orders', 'users']);
    expect(connections.filter((connection) => !connection.ssl)).toEqual([]);
    expect(new Set(connections.map((connection) => connection.protocol))).toEqual(new Set(['tlsv1.3']));
    expect(connections.every((connection) => connection.peerCertSubject.includes('CN=plinth-service'))).toBe(true);
  });

  it('every database connection is TLS (pg_stat_ssl)', async () => {
    const rows = await infra.postgres.query(
      `select application_name, ssl, version from pg_stat_ssl join pg_stat_activity using (pid) where application_name in (${DATABASE_SERVICES.map((s) => `'${s}'`).join(', ')})`,
    );
    expect(new Set(rows.map(([application]) => application))).toEqual(new Set(DATABASE_SERVICES));
    expect(rows.filter(([, ssl]) => ssl !== 't')).toEqual([]);
    expect(new Set(rows.map(([, , version]) => version))).toEqual(new Set(['TLSv1.3']));
  });

  it('keeps the gateway\'s rate limits in the TLS-only Redis', async () => {
    const redis = new Redis(infra.redis.url(), { tls: { ca: readFileSync(infra.ca.caFile) }, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      expect((await redis.keys('plinth:rate-limit:*')).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('exports traces over https (OTEL_EXPORTER_OTLP_CERTIFICATE)', async () => {
    await otlp.waitFor('spans of every service', (spans) => ['gateway', 'auth', 'users', 'orders', 'notifications'].every((s) => spans.some((span) => span.service === s)));
  });

  it('publishes each configured certificate\'s expiry as plinth_tls_certificate_expiry_timestamp_seconds', async () => {
    const metrics = await (await fetch(`${system.gatewayUrl}/metrics`)).text();
    const notAfter = (file: string) => new X509Certificate(readFileSync(file)).validToDate.getTime() / 1000;
    const sample = (file: string) => new RegExp(`^plinth_tls_certificate_expiry_timestamp_seconds\\{path="${file.replace(/[.]/g, '\\.')}",service="gateway"\\} (\\S+)$`, 'm').exec(metrics)?.[1];
    expect(Number(sample(infra.serviceCertificate.certFile))).toBe(notAfter(infra.serviceCertificate.certFile));
    expect(Number(sample(infra.clientCertificate.certFile))).toBe(notAfter(infra.clientCertificate.certFile));
    expect(Number(sample(infra.ca.caFile))).toBe(notAfter(infra.ca.caFile));
  });
});

describe('plaintext to a TLS-only listener is refused', () => {
  it('RabbitMQ: amqp:// to the amqps port', async () => {
    await expect(amqp.connect(`amqp://guest:guest@127.0.0.1:${infra.rabbit.tlsPort}`, { timeout: 5_000 })).rejects.toThrow();
  });

  it('PostgreSQL: a connection without TLS has no pg_hba entry', async () => {
    const client = new pg.Client({ connectionString: infra.postgres.databaseUrl('postgres'), ssl: false });
    await expect(client.connect()).rejects.toThrow(/no pg_hba\.conf entry for host "127\.0\.0\.1", user "postgres", database "postgres", no encryption/);
  });

  it('Redis: a plain client gets no answer', async () => {
    const redis = new Redis(`redis://127.0.0.1:${infra.redis.port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000 });
    redis.on('error', () => undefined);
    await expect(redis.connect().then(() => redis.ping())).rejects.toThrow();
    redis.disconnect();
  });

  it('gateway: http:// to the https port', async () => {
    await expect(fetch(system.gatewayUrl.replace('https:', 'http:') + '/healthz')).rejects.toThrow();
  });
});

describe('a certificate that does not verify stops the service at start-up', () => {
  // The four misconfigured services boot at once: each is a whole Node process start (seconds on a busy machine).
  let wrongCa: StartOutcome;
  let expired: StartOutcome;
  let otherHost: StartOutcome;
  let plaintext: StartOutcome;
  let expiredRedis: PrivateRedis;

  beforeAll(async () => {
    const expiredCertificate = await infra.ca.issue({ hosts: ['127.0.0.1'], name: 'redis-expired', notBefore: new Date(Date.now() - 3 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
    expiredRedis = await PrivateRedis.start(join(dir, 'redis-expired'), { certFile: expiredCertificate.certFile, keyFile: expiredCertificate.keyFile, caFile: infra.ca.caFile });
    const otherHostUrl = new URL(system.databaseUrlOf('orders'));
    otherHostUrl.hostname = '127.0.0.2';
    [wrongCa, expired, otherHost, plaintext] = await Promise.all([
      failedStart('orders', { RABBITMQ_CA_FILE: otherCa.caFile }),
      failedStart('gateway', { REDIS_URL: expiredRedis.url() }),
      failedStart('orders', { DATABASE_URL: otherHostUrl.toString() }),
      failedStart('users', { RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${infra.rabbit.tlsPort}` }),
    ]);
  }, 150_000);

  afterAll(() => expiredRedis?.stop());

  it('wrong CA for the broker', () => {
    const { code, output } = wrongCa;
    expect(code).toBe(1);
    expect(output).toMatch(new RegExp(`orders failed to start: RabbitMQ \\(RABBITMQ_URL\\) at 127\\.0\\.0\\.1:${infra.rabbit.tlsPort}: TLS verification failed: its certificate (is not signed by a trusted CA|chains to a CA that is not trusted)`));
  });

  it('expired certificate of Redis', () => {
    const { code, output } = expired;
    expect(code).toBe(1);
    expect(output).toContain(`gateway failed to start: Redis (REDIS_URL) at 127.0.0.1:${expiredRedis.port}: TLS verification failed: its certificate has expired [CERT_HAS_EXPIRED]`);
  });

  it('certificate for another host (PostgreSQL reached as 127.0.0.2)', () => {
    const { code, output } = otherHost;
    expect(code).toBe(1);
    expect(output).toContain(
      `orders failed to start: PostgreSQL (DATABASE_URL) at 127.0.0.2:${infra.postgres.port}: TLS verification failed: its certificate is for another host [ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames: IP: 127.0.0.2 is not in the cert's list: 127.0.0.1]`,
    );
  });

  it('a plaintext URL under TLS_REQUIRED=true', () => {
    const { code, output } = plaintext;
    expect(code).toBe(1);
    expect(output).toContain('Invalid configuration for users: RABBITMQ_URL must be an amqps:// URL (TLS_REQUIRED=true)');
  });

  it('the drivers themselves refuse another host with the services\' options (amqplib, pg, ioredis)', async () => {
    const file = (variable: string, path: string) => ({ variable, path });
    const options = clientTlsOptions('test', {
      ca: file('CA', infra.ca.caFile), cert: file('CERT', infra.clientCertificate.certFile), key: file('KEY', infra.clientCertificate.keyFile),
    }, '127.0.0.2');
    await expect(amqp.connect(infra.rabbit.tlsUrl('127.0.0.2'), { ...options, timeout: 5_000 })).rejects.toThrow(/IP: 127\.0\.0\.2 is not in the cert's list/);
    // Without the pinned host, pg would check an IP host's certificate against "localhost" and accept this one.
    const client = new pg.Client({ connectionString: infra.postgres.databaseUrl('postgres', '127.0.0.2'), ssl: options });
    await expect(client.connect()).rejects.toThrow(/IP: 127\.0\.0\.2 is not in the cert's list/);
    const redis = new Redis(infra.redis.url('127.0.0.2'), { tls: options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const failure = new Promise<Error>((resolve) => redis.once('error', resolve));
    redis.connect().catch(() => undefined);
    expect((await failure).message).toMatch(/IP: 127\.0\.0\.2 is not in the cert's list/);
    redis.disconnect();
  });
});

describe('certificate rotation', () => {
  it('serves the renewed certificate once its files are replaced, without a restart', async () => {
    const port = Number(new URL(system.gatewayUrl).port);
    const servedSerial = async () => {
      const socket = await handshake(port);
      const serial = socket.getPeerCertificate().serialNumber.toLowerCase();
      socket.destroy();
      return serial;
    };
    const before = await servedSerial();
    const renewed = await infra.ca.issue({ hosts: ['127.0.0.1', 'localhost'], name: 'service-renewed' });
    const { certFile, keyFile } = infra.serviceCertificate;
    copyFileSync(renewed.keyFile, `${keyFile}.new`);
    copyFileSync(renewed.certFile, `${certFile}.new`);
    renameSync(`${keyFile}.new`, keyFile);
    renameSync(`${certFile}.new`, certFile);
    const expected = new X509Certificate(readFileSync(renewed.certFile)).serialNumber.toLowerCase();
    await waitUntil(async () => (await servedSerial()) === expected, 10_000);
    expect(expected).not.toBe(before);
    await waitUntil(() => system.logs('gateway').includes(`reloaded the TLS certificate from ${certFile}`), 5_000);
    expect((await fetch(`${system.gatewayUrl}/healthz`)).status).toBe(200);
  });
});
