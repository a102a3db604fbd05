#!/usr/bin/env node
// `npm start`: run the whole system locally — check infrastructure, install, build, create the
// databases, start the six services with prefixed logs, wait until each is ready, print the URL.
// Ctrl-C / SIGTERM stops every service gracefully. Reads its own env (PORT, RABBITMQ_URL,
// DATABASE_SERVER_URL, LOG_FORMAT…) and passes everything else through to the services.
// `npm start -- --tls` (or PLINTH_TLS=1): TLS on every hop, on private nodes (tools/dev/tls-mode.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startLocalTls } from './tls-mode.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nodeBin = join(root, 'node_modules', '.bin', 'node');
const tty = process.stdout.isTTY;
const paint = (code, text) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const say = (text) => process.stdout.write(`${paint('1;36', 'plinth')} ${text}\n`);
const die = (text) => {
  process.stderr.write(`${paint('1;31', 'plinth')} ${text}\n`);
  process.exit(1);
};

const databaseServerUrl = (process.env.DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/$/, '');
const rabbitmqUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Demo products, created by catalog at start when their sku is new (SEED_PRODUCTS; existing ones are left alone).
// SKU-1 and SKU-2 are the ones the bench's yardstick orders, at the prices it asserts.
const DEMO_PRODUCTS = [
  { sku: 'SKU-1', name: 'Espresso machine', description: 'Stainless steel, 15 bar', currency: 'EUR', unitPrice: 1250, stock: 1_000_000 },
  { sku: 'SKU-2', name: 'Coffee beans, 1 kg', description: 'Medium roast', currency: 'EUR', unitPrice: 99, stock: 1_000_000 },
  { sku: 'MUG-1', name: 'Mug', currency: 'EUR', unitPrice: 850, stock: 200 },
  { sku: 'GRINDER-1', name: 'Burr grinder', currency: 'EUR', unitPrice: 12900, stock: 25 },
];
const services = [
  { name: 'gateway', port: Number(process.env.PORT ?? 3000), color: '35' },
  { name: 'auth', port: 3001, database: 'plinth_auth', color: '33' },
  { name: 'users', port: 3002, database: 'plinth_users', color: '32' },
  { name: 'orders', port: 3003, database: 'plinth_orders', color: '34' },
  { name: 'notifications', port: 3004, database: 'plinth_notifications', color: '36' },
  { name: 'catalog', port: 3005, database: 'plinth_catalog', color: '31', env: { SEED_PRODUCTS: JSON.stringify(DEMO_PRODUCTS) } },
];
const READY_TIMEOUT_MS = 120_000;
const tlsMode = process.argv.includes('--tls') || ['1', 'true'].includes(process.env.PLINTH_TLS ?? '');
/** In TLS mode: the private nodes, certificates and the services' TLS environment. */
let localTls;

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || defaultPort) });
    const done = (error) => {
      socket.destroy();
      resolve(error ? error.code ?? error.message : null);
    };
    socket.setTimeout(3_000, () => done(new Error('timeout')));
    socket.once('connect', () => done(null));
    socket.once('error', done);
  });
}

async function checkInfrastructure() {
  const where = (url, port) => `${new URL(url).hostname}:${new URL(url).port || port}`;
  const [postgres, rabbit, redis] = await Promise.all([reachable(databaseServerUrl, 5432), reachable(rabbitmqUrl, 5672), reachable(redisUrl, 6379)]);
  const problems = [];
  if (postgres) {
    problems.push(
      `PostgreSQL is not reachable at ${where(databaseServerUrl, 5432)} (${postgres}). Start it with:\n` +
        `    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  }
  if (rabbit) {
    problems.push(`RabbitMQ is not reachable at ${where(rabbitmqUrl, 5672)} (${rabbit}). Start it with:\n    rabbitmq-server -detached`);
  }
  if (redis) {
    problems.push(`Redis is not reachable at ${where(redisUrl, 6379)} (${redis}). Start it with:\n    redis-server --daemonize yes`);
  }
  if (problems.length > 0) die(problems.join('\n'));
  say(`PostgreSQL ${where(databaseServerUrl, 5432)}, RabbitMQ ${where(rabbitmqUrl, 5672)} and Redis ${where(redisUrl, 6379)} are reachable`);
}

function runStep(label, command, args) {
  say(label);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) die(`${label} failed (${result.signal ?? `exit ${result.status}`})`);
}

/** The services need Node 24 from node_modules; `npm start` may have been run by an older system node. */
function reexecOnProjectNode() {
  const child = spawn(nodeBin, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, PLINTH_LAUNCHER_REEXEC: '1' } });
  // A terminal Ctrl-C reaches the child directly (same process group); SIGTERM has to be passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function prefixLines(stream, label, sink) {
  createInterface({ input: stream }).on('line', (line) => sink.write(`${label} ${line}\n`));
}

async function waitUntilReady(service, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return `exited (${child.signalCode ?? `code ${child.exitCode}`})`;
    try {
      const response = await fetch(`${scheme()}://127.0.0.1:${service.port}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return null;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return `not ready within ${READY_TIMEOUT_MS / 1000}s`;
}

const scheme = () => (localTls ? 'https' : 'http');

async function main() {
  if (!process.env.PLINTH_LAUNCHER_REEXEC && !tlsMode) await checkInfrastructure();
  if (!existsSync(nodeBin)) runStep('installing dependencies (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund']);
  if (process.versions.node.split('.')[0] !== '24' && !process.env.PLINTH_LAUNCHER_REEXEC) return reexecOnProjectNode();

  runStep('building (nx run-many -t build)', join(root, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', '--parallel=2', '--output-style=stream-without-prefixes']);

  const databaseNames = services.filter((service) => service.database).map((service) => service.database);
  if (tlsMode) {
    localTls = await startLocalTls(root, databaseNames, say).catch((error) => die(`cannot start the private TLS nodes: ${error.message}`));
  } else {
    const { ensureDatabaseExists } = await import(pathToFileURL(join(root, 'libs', 'persistence', 'dist', 'index.js')).href);
    for (const database of databaseNames) {
      await ensureDatabaseExists(`${databaseServerUrl}/${database}`).catch((error) => die(`cannot create database ${database} on ${databaseServerUrl}: ${error.message}`));
    }
  }
  say(`databases ready: ${databaseNames.join(', ')}`);

  // Without a relay of one's own, account emails (verification, reset) go to the local sink, to be read and clicked.
  const { startMailSink } = await import('./mail-sink.mjs');
  const mailSink = process.env.SMTP_URL
    ? undefined
    : await startMailSink({ smtpPort: Number(process.env.MAIL_SINK_SMTP_PORT ?? 1025), httpPort: Number(process.env.MAIL_SINK_HTTP_PORT ?? 8025), say })
        .catch((error) => die(`cannot start the local mail sink: ${error.message} (set MAIL_SINK_SMTP_PORT / MAIL_SINK_HTTP_PORT, or SMTP_URL)`));
  if (mailSink) say(`mail sink: ${mailSink.smtpUrl}, read the mails at ${mailSink.pageUrl}`);
  // One key per run, shared by auth and notifications: tokens travel sealed locally too.
  const accountEmailSealingKey = process.env.ACCOUNT_EMAIL_SEALING_KEY ?? randomBytes(32).toString('base64');

  const width = Math.max(...services.map((service) => service.name.length));
  const children = new Map();
  let stopping = false;
  let exitCode = 0;
  process.on('exit', () => {
    for (const child of children.values()) child.kill('SIGKILL');
    localTls?.stopNow();
  });
  for (const service of services) {
    const env = {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      LOG_FORMAT: process.env.LOG_FORMAT ?? (tty ? 'pretty' : 'json'),
      RABBITMQ_URL: rabbitmqUrl,
      PORT: String(service.port),
      ACCOUNT_EMAIL_SEALING_KEY: accountEmailSealingKey,
      ...(mailSink ? { SMTP_URL: mailSink.smtpUrl } : {}),
      ...(service.database ? { DATABASE_URL: `${databaseServerUrl}/${service.database}` } : {}),
      // The gateway keeps its rate limits in Redis, as in every deployment.
      ...(service.name === 'gateway' && !tlsMode ? { REDIS_URL: redisUrl } : {}),
      ...service.env,
      ...localTls?.envFor(service.database),
    };
    if (!service.database) delete env.DATABASE_URL;
    // The OpenTelemetry preload; inert unless OTEL_EXPORTER_OTLP_ENDPOINT is set (e.g. to docker/compose.yaml's collector).
    const child = spawn(nodeBin, ['--import', '@plinth/telemetry/register', join(root, 'apps', service.name, 'dist', 'main.js')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const label = paint(service.color, service.name.padEnd(width));
    prefixLines(child.stdout, label, process.stdout);
    prefixLines(child.stderr, label, process.stderr);
    child.on('exit', (code, signal) => {
      children.delete(service.name);
      if (!stopping) say(paint('1;31', `${service.name} exited unexpectedly (${signal ?? `code ${code}`})`));
      if (stopping && children.size === 0) {
        say('all services stopped');
        Promise.all([localTls?.stop(), mailSink?.stop()]).finally(() => process.exit(exitCode));
      }
    });
    children.set(service.name, child);
  }

  const stopAll = (reason, code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    say(`${reason}: stopping ${[...children.keys()].join(', ')}`);
    if (children.size === 0) process.exit(exitCode);
    for (const child of children.values()) child.kill('SIGTERM');
    setTimeout(() => {
      for (const child of children.values()) child.kill('SIGKILL');
      process.exit(1);
    }, 20_000).unref();
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));

  const outcomes = await Promise.all(
    services.map(async (service) => ({ service, problem: await waitUntilReady(service, children.get(service.name)) })),
  );
  if (stopping) return;
  for (const { service, problem } of outcomes) {
    const url = `${scheme()}://127.0.0.1:${service.port}`;
    say(problem ? paint('1;31', `✗ ${service.name.padEnd(width)} ${problem}`) : `✓ ${service.name.padEnd(width)} ready  ${url}/readyz`);
  }
  if (outcomes.some((outcome) => outcome.problem)) {
    stopAll('a service did not start', 1);
    return;
  }
  say(paint('1;32', `Plinth is up: ${scheme()}://127.0.0.1:${services[0].port}  (API /v1, docs /docs) — Ctrl-C to stop`));
  if (localTls) await localTls.report(services.map((service) => service.name), services[0].port);
}

await main();
