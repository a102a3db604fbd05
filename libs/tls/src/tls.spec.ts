// The TLS building blocks against real TLS servers on loopback, with certificates from a throwaway CA.
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { LocalCa, freePort, waitUntil, type IssuedCertificate } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientTlsOptions } from './client-tls-options.js';
import { watchCertificateFiles } from './certificate-reloader.js';
import { earliestExpiry } from './pem-files.js';
import { MODERN_CIPHERS, serverSecureContextOptions, serverTlsOptions } from './server-tls-options.js';
import { TlsSetupError } from './tls-setup-error.js';
import { verifyTlsEndpoint, type TlsEndpoint } from './tls-verification.js';

const DAY_MS = 86_400_000;
let dir: string;
let ca: LocalCa;
let otherCa: LocalCa;
let good: IssuedCertificate;
let expired: IssuedCertificate;
let otherHost: IssuedCertificate;
let client: IssuedCertificate;
const servers: (Server | TcpServer)[] = [];

const file = (variable: string, path: string) => ({ variable, path });
const pair = (issued: IssuedCertificate) => ({ cert: file('TLS_CERT_FILE', issued.certFile), key: file('TLS_KEY_FILE', issued.keyFile) });

// A server as someone else configured it: whatever certificate it was given, expired or not.
async function tlsServer(issued: IssuedCertificate): Promise<number> {
  const server = createServer({ cert: readFileSync(issued.certFile), key: readFileSync(issued.keyFile) }, (socket) => socket.end());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

const endpoint = (port: number, caFile = ca.caFile, host = '127.0.0.1'): TlsEndpoint => ({
  connection: 'RabbitMQ (RABBITMQ_URL)',
  host,
  port,
  options: clientTlsOptions('RabbitMQ', { ca: file('RABBITMQ_CA_FILE', caFile) }),
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plinth-tls-spec-'));
  ca = await LocalCa.create(join(dir, 'ca'));
  otherCa = await LocalCa.create(join(dir, 'other'), 'ca', 'Some other CA');
  good = await ca.issue({ hosts: ['127.0.0.1', 'localhost'], name: 'good' });
  expired = await ca.issue({ hosts: ['127.0.0.1'], name: 'expired', notBefore: new Date(Date.now() - 3 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
  otherHost = await ca.issue({ hosts: ['db.elsewhere.example'], name: 'other-host' });
  client = await ca.issue({ hosts: ['orders'], name: 'client' });
});

afterAll(() => {
  // Not awaited: a server closes once its last client socket is gone, which the test process does not wait for.
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

const handshake = (port: number, options: Record<string, unknown>) =>
  new Promise<TLSSocket>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: [readFileSync(ca.caFile)], ...options });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });

describe('verifyTlsEndpoint', () => {
  it('verifies a server whose certificate chains to the CA and names the host', async () => {
    await expect(verifyTlsEndpoint(endpoint(await tlsServer(good)))).resolves.toBe('verified');
  });

  it('fails closed on a certificate from another CA, naming the connection and the reason', async () => {
    const port = await tlsServer(good);
    await expect(verifyTlsEndpoint(endpoint(port, otherCa.caFile))).rejects.toThrow(
      new TlsSetupError(`RabbitMQ (RABBITMQ_URL) at 127.0.0.1:${port}: TLS verification failed: its certificate is not signed by a trusted CA [UNABLE_TO_VERIFY_LEAF_SIGNATURE]`),
    );
  });

  it('fails closed on an expired certificate', async () => {
    await expect(verifyTlsEndpoint(endpoint(await tlsServer(expired)))).rejects.toThrow(/TLS verification failed: its certificate has expired \[CERT_HAS_EXPIRED\]/);
  });

  it('fails closed on a certificate for another host', async () => {
    await expect(verifyTlsEndpoint(endpoint(await tlsServer(otherHost)))).rejects.toThrow(
      /TLS verification failed: its certificate is for another host \[ERR_TLS_CERT_ALTNAME_INVALID: .*IP: 127\.0\.0\.1 is not in the cert's list/,
    );
  });

  it('fails closed on a plaintext port', async () => {
    const plain = createTcpServer((socket) => socket.end('AMQP\x00\x00\x09\x01'));
    servers.push(plain);
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    await expect(verifyTlsEndpoint(endpoint((plain.address() as { port: number }).port))).rejects.toThrow(/TLS verification failed: .*\[ERR_SSL_/);
  });

  it('leaves a server that is not there to the client\'s retries', async () => {
    await expect(verifyTlsEndpoint(endpoint(await freePort()))).resolves.toBe('unreachable');
  });

  it('fails closed when PostgreSQL refuses the SSL request', async () => {
    const noSsl = createTcpServer((socket) => socket.once('data', () => socket.write('N')));
    servers.push(noSsl);
    await new Promise<void>((resolve) => noSsl.listen(0, '127.0.0.1', resolve));
    const port = (noSsl.address() as { port: number }).port;
    await expect(verifyTlsEndpoint({ ...endpoint(port), connection: 'PostgreSQL (DATABASE_URL)', negotiation: 'postgres' })).rejects.toThrow(
      `PostgreSQL (DATABASE_URL) at 127.0.0.1:${port}: the server does not accept TLS`,
    );
  });
});

describe('clientTlsOptions', () => {
  it('always verifies the server and never goes below TLS 1.2', () => {
    expect(clientTlsOptions('Redis', {})).toEqual({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
  });

  it('checks the certificate against the given host, whatever name the driver passes', () => {
    const { checkServerIdentity } = clientTlsOptions('PostgreSQL', {}, '127.0.0.2');
    const certificate = { subject: { CN: '127.0.0.1' }, subjectaltname: 'IP Address:127.0.0.1, DNS:localhost' } as never;
    expect(checkServerIdentity?.('localhost', certificate)?.message).toMatch(/IP: 127\.0\.0\.2 is not in the cert's list/);
    expect(clientTlsOptions('PostgreSQL', {}, 'localhost').checkServerIdentity?.('127.0.0.2', certificate)).toBeUndefined();
  });

  it('loads the CA and a matching client certificate', () => {
    const options = clientTlsOptions('RabbitMQ', { ca: file('RABBITMQ_CA_FILE', ca.caFile), cert: file('RABBITMQ_CERT_FILE', client.certFile), key: file('RABBITMQ_KEY_FILE', client.keyFile) });
    expect(Object.keys(options).sort()).toEqual(['ca', 'cert', 'key', 'minVersion', 'rejectUnauthorized']);
  });

  it('names the variable of an unreadable file', () => {
    expect(() => clientTlsOptions('RabbitMQ', { ca: file('RABBITMQ_CA_FILE', join(dir, 'missing.crt')) })).toThrow(`RABBITMQ_CA_FILE: cannot read ${join(dir, 'missing.crt')} (ENOENT)`);
  });

  it('refuses a file without a certificate', () => {
    expect(() => clientTlsOptions('RabbitMQ', { ca: file('RABBITMQ_CA_FILE', client.keyFile) })).toThrow(`RABBITMQ_CA_FILE: ${client.keyFile} holds no PEM certificate`);
  });

  it('refuses an expired client certificate with its expiry date', () => {
    expect(() => clientTlsOptions('PostgreSQL', { cert: file('DATABASE_CERT_FILE', expired.certFile), key: file('DATABASE_KEY_FILE', expired.keyFile) })).toThrow(
      `DATABASE_CERT_FILE: the PostgreSQL client certificate in ${expired.certFile} expired on ${expired.notAfter.toISOString().replace(/\.\d+Z$/, '.000Z')}`,
    );
  });

  it('refuses a key that belongs to another certificate', () => {
    expect(() => clientTlsOptions('RabbitMQ', { cert: file('RABBITMQ_CERT_FILE', client.certFile), key: file('RABBITMQ_KEY_FILE', good.keyFile) })).toThrow(
      `RABBITMQ_KEY_FILE: the key in ${good.keyFile} does not belong to the certificate in ${client.certFile} (RABBITMQ_CERT_FILE)`,
    );
  });

  it('refuses a certificate without its key', () => {
    expect(() => clientTlsOptions('Redis', { cert: file('REDIS_CERT_FILE', client.certFile) })).toThrow('REDIS_CERT_FILE is set without its key file (Redis client certificate)');
  });

  it('reports the earliest expiry of a file', () => {
    expect(earliestExpiry(file('TLS_CERT_FILE', expired.certFile)).getTime()).toBe(Math.floor(expired.notAfter.getTime() / 1000) * 1000);
  });
});

describe('server TLS options', () => {
  it('speaks TLS 1.3 and 1.2 with the modern suites and refuses TLS 1.1', async () => {
    const server = createServer(serverTlsOptions(pair(good)), (socket) => socket.end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const tls13 = await handshake(port, {});
    expect(tls13.getProtocol()).toBe('TLSv1.3');
    expect(tls13.alpnProtocol).toBe(false);
    tls13.destroy();
    const tls12 = await handshake(port, { maxVersion: 'TLSv1.2', ALPNProtocols: ['h2', 'http/1.1'] });
    expect(tls12.getProtocol()).toBe('TLSv1.2');
    expect(MODERN_CIPHERS.split(':')).toContain(tls12.getCipher().name);
    expect(tls12.alpnProtocol).toBe('http/1.1');
    tls12.destroy();
    await expect(handshake(port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' })).rejects.toThrow();
  });

  it('refuses to start with an expired server certificate', () => {
    expect(() => serverSecureContextOptions(pair(expired))).toThrow(`TLS_CERT_FILE: the server certificate in ${expired.certFile} expired on`);
  });
});

describe('watchCertificateFiles', () => {
  it('serves the new certificate after the files are replaced, and keeps the old one for a broken pair', async () => {
    const live = join(dir, 'live');
    const files = { cert: file('TLS_CERT_FILE', join(live, 'tls.crt')), key: file('TLS_KEY_FILE', join(live, 'tls.key')) };
    mkdirSync(live, { recursive: true });
    copyFileSync(good.certFile, files.cert.path);
    copyFileSync(good.keyFile, files.key.path);
    const server = createServer(serverTlsOptions(files), (socket) => socket.end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const messages: string[] = [];
    const reloader = watchCertificateFiles(files, (options) => server.setSecureContext(options), { log: (m) => messages.push(m), error: (m) => messages.push(`error: ${m}`) }, 50);
    const servedSerial = async () => {
      const socket = await handshake(port, { servername: 'localhost' });
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      return serial.toLowerCase();
    };
    try {
      const before = await servedSerial();
      const renewed = await ca.issue({ hosts: ['127.0.0.1', 'localhost'], name: 'renewed' });
      // As a Secret update does: new files first, then an atomic rename into place.
      copyFileSync(renewed.keyFile, `${files.key.path}.new`);
      copyFileSync(renewed.certFile, `${files.cert.path}.new`);
      renameSync(`${files.key.path}.new`, files.key.path);
      renameSync(`${files.cert.path}.new`, files.cert.path);
      const expected = new X509Certificate(readFileSync(renewed.certFile)).serialNumber.toLowerCase();
      await waitUntil(async () => (await servedSerial()) === expected, 5_000);
      expect(expected).not.toBe(before);
      expect(messages.some((m) => m.startsWith(`reloaded the TLS certificate from ${files.cert.path}`))).toBe(true);

      // A key that does not match the certificate being served now: the reload must refuse it.
      writeFileSync(files.key.path, readFileSync(good.keyFile));
      await waitUntil(() => messages.some((m) => m.startsWith('error: TLS certificate files changed but could not be loaded')), 5_000);
      expect(await servedSerial()).toBe(expected);
    } finally {
      reloader.close();
    }
  });
});
