// `npm start -- --tls`: the whole system over TLS on every hop. The machine's shared PostgreSQL, RabbitMQ and
// Redis are plaintext and used by others, so this starts private ones that speak TLS only (a throwaway CA in a
// temporary directory, RabbitMQ amqps with verify_peer + client certificates, PostgreSQL ssl = on with a
// hostssl-only pg_hba, Redis --tls-port) and gives every service TLS_REQUIRED=true with amqps://, verify-full,
// rediss:// and an HTTPS listener. Everything is removed on exit.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function startLocalTls(root, databases, say) {
  const { startTlsInfrastructure, trustTestCa } = await import(pathToFileURL(join(root, 'libs', 'testing', 'dist', 'index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'plinth-tls-'));
  say('TLS mode: making a throwaway CA and starting private RabbitMQ (amqps), PostgreSQL (ssl = on) and Redis (TLS) nodes');
  const infra = await startTlsInfrastructure(dir);
  for (const database of databases) await infra.postgres.query(`create database "${database}"`);
  // The launcher's own readiness checks go over HTTPS too.
  trustTestCa(infra.ca.caFile);
  say(`TLS: CA ${infra.ca.caFile}; RabbitMQ ${infra.brokerUrl.replace(/\/\/[^@]*@/, '//')}, PostgreSQL 127.0.0.1:${infra.postgres.port}, Redis ${infra.redis.url()}`);
  let stopped;
  return {
    envFor: (database) => ({
      ...infra.env,
      RABBITMQ_URL: infra.brokerUrl,
      ...(database ? { DATABASE_URL: infra.databaseUrl(database) } : {}),
    }),
    /** The servers' own word that every hop is encrypted. */
    async report(services, gatewayPort) {
      const broker = await infra.rabbit.connections();
      const sessions = await infra.postgres.query(
        `select application_name, ssl, version from pg_stat_ssl join pg_stat_activity using (pid) where application_name in (${services.map((s) => `'${s}'`).join(', ')})`,
      );
      const brokerTls = broker.filter((connection) => connection.ssl).length;
      const sessionsTls = sessions.filter(([, ssl]) => ssl === 't').length;
      say(`TLS check — rabbitmqctl list_connections ssl: ${brokerTls}/${broker.length} connections TLS (${[...new Set(broker.map((c) => c.protocol))].join(', ')}); ` +
        `pg_stat_ssl: ${sessionsTls}/${sessions.length} service sessions TLS (${[...new Set(sessions.map(([, , version]) => version))].join(', ')}); Redis and HTTP listen on TLS only`);
      say(`try: curl --cacert ${infra.ca.caFile} https://127.0.0.1:${gatewayPort}/healthz`);
    },
    stop: () => (stopped ??= infra.stop().finally(() => rmSync(dir, { recursive: true, force: true }))),
    /** At process exit nothing asynchronous runs any more: the nodes are killed, their files removed. */
    stopNow: () => {
      const postmaster = (() => {
        try {
          return Number(readFileSync(join(infra.postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        } catch {
          return undefined;
        }
      })();
      for (const pid of [infra.rabbit.pid, postmaster, infra.redis.pid]) {
        try {
          if (pid) process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
