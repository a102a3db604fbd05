// Everything a system needs to run over TLS on every hop, on private nodes (the shared servers of the machine are
// plaintext and used by everyone): a throwaway CA, RabbitMQ with an amqps-only listener and verify_peer +
// fail_if_no_peer_cert, PostgreSQL with ssl = on and hostssl-only pg_hba, Redis TLS-only, and the certificates
// the services serve HTTPS with and present to the broker.
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { PrivatePostgres } from '../private-nodes/private-postgres.js';
import { PrivateRabbit } from '../private-nodes/private-rabbit.js';
import { PrivateRedis } from '../private-nodes/private-redis.js';
import type { SystemInfrastructure } from '../start-system.js';
import type { TestDatabase } from '../test-database.js';
import type { TestVhost } from '../test-vhost.js';
import { assertTestName, uniqueTestName } from '../unique-name.js';
import { LocalCa, type IssuedCertificate } from './local-ca.js';

/** The loopback names every server certificate is for; 127.0.0.2 (also loopback) is deliberately not among them. */
export const LOCAL_HOSTS = ['127.0.0.1', 'localhost'];

export interface TlsInfrastructure extends SystemInfrastructure {
  dir: string;
  ca: LocalCa;
  rabbit: PrivateRabbit;
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  /** The certificate the services serve HTTPS with (for 127.0.0.1 and localhost). */
  serviceCertificate: IssuedCertificate;
  /** The certificate the services present to the broker. */
  clientCertificate: IssuedCertificate;
  /** The TLS-only environment of every service (TLS_REQUIRED=true; CA, certificates, Redis); RABBITMQ_URL and DATABASE_URL come per system/service. */
  env: Record<string, string>;
  /** amqps:// to the private broker's default vhost. */
  brokerUrl: string;
  /** A service's own database on the private cluster, verify-full. */
  databaseUrl(name: string): string;
  stop(): Promise<void>;
}

export interface TlsInfrastructureOptions {
  /** Keep a plain listener on RabbitMQ and plain `host` entries in pg_hba, for a TLS-off comparison on the same nodes. */
  plaintextToo?: boolean;
}

/** Starts the three private TLS servers in `dir` (created; its parents must be reachable by the postgres user when run as root). */
export async function startTlsInfrastructure(dir: string, options: TlsInfrastructureOptions = {}): Promise<TlsInfrastructure> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const ca = await LocalCa.create(join(dir, 'ca'));
  const [broker, database, cache, serviceCertificate, clientCertificate] = await Promise.all([
    ca.issue({ hosts: LOCAL_HOSTS, name: 'rabbitmq' }),
    ca.issue({ hosts: LOCAL_HOSTS, name: 'postgres' }),
    ca.issue({ hosts: LOCAL_HOSTS, name: 'redis' }),
    ca.issue({ hosts: LOCAL_HOSTS, name: 'service' }),
    ca.issue({ hosts: ['plinth-service'], name: 'client' }),
  ]);
  const nodeTls = (issued: IssuedCertificate) => ({ certFile: issued.certFile, keyFile: issued.keyFile, caFile: ca.caFile });
  const started = await Promise.allSettled([
    PrivateRabbit.start(join(dir, 'rabbit'), { tls: { ...nodeTls(broker), requireClientCertificate: true, plaintextListener: options.plaintextToo } }),
    PrivatePostgres.start(join(dir, 'postgres'), { tls: { ...nodeTls(database), tlsOnly: !options.plaintextToo } }),
    PrivateRedis.start(join(dir, 'redis'), nodeTls(cache)),
  ]);
  const [rabbit, postgres, redis] = started.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined)) as [
    PrivateRabbit | undefined, PrivatePostgres | undefined, PrivateRedis | undefined,
  ];
  const stop = async () => {
    await Promise.allSettled([rabbit?.stop(), postgres?.stop(), redis?.stop()]);
  };
  const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed || !rabbit || !postgres || !redis) {
    await stop();
    throw failed?.reason ?? new Error('a private TLS node did not start');
  }

  const env = {
    TLS_REQUIRED: 'true',
    RABBITMQ_CA_FILE: ca.caFile,
    RABBITMQ_CERT_FILE: clientCertificate.certFile,
    RABBITMQ_KEY_FILE: clientCertificate.keyFile,
    DATABASE_CA_FILE: ca.caFile,
    REDIS_URL: redis.url(),
    REDIS_CA_FILE: ca.caFile,
    TLS_CERT_FILE: serviceCertificate.certFile,
    TLS_KEY_FILE: serviceCertificate.keyFile,
  };
  const databaseUrl = (name: string) => `${postgres.databaseUrl(name)}?sslmode=verify-full`;

  const createVhost = async (label: string): Promise<TestVhost> => {
    const vhost = uniqueTestName(label, '-');
    await rabbit.ctl('add_vhost', vhost);
    await rabbit.ctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
    let dropped: Promise<void> | undefined;
    return {
      url: `${rabbit.tlsUrl()}/${encodeURIComponent(vhost)}`,
      vhost,
      drop: () => (dropped ??= rabbit.ctl('delete_vhost', vhost).then(() => undefined)),
    };
  };
  const createDatabase = async (label: string): Promise<TestDatabase> => {
    const name = uniqueTestName(label);
    await postgres.query(`create database "${name}"`);
    let dropped: Promise<void> | undefined;
    return {
      url: databaseUrl(name),
      name,
      drop: () => {
        assertTestName(name);
        return (dropped ??= postgres.query(`drop database if exists "${name}" with (force)`).then(() => undefined));
      },
    };
  };
  return { dir, ca, rabbit, postgres, redis, serviceCertificate, clientCertificate, env, brokerUrl: rabbit.tlsUrl(), databaseUrl, createVhost, createDatabase, stop };
}

/** Makes this process (fetch, https, supertest) trust the local CA as well as the public roots. */
export function trustTestCa(caFile: string): void {
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(caFile, 'utf8')]);
}
