// The whole system (built apps, one process per replica) on a private broker and a private PostgreSQL
// cluster, so a scenario can restart, stop or kill either without touching the shared servers.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDatabaseExists } from '@plinth/persistence';
import { freePort, PrivatePostgres, PrivateRabbit, ServiceProcess } from '@plinth/testing';

export const SERVICES = ['gateway', 'auth', 'users', 'orders', 'notifications', 'catalog'];
const DATABASE_SERVICES = ['auth', 'users', 'orders', 'notifications', 'catalog'];
// What the order load buys (order-load.mjs), with stock no scenario can exhaust: every order is meant to be confirmed.
export const CHAOS_PRODUCTS = [{ sku: 'CHAOS-1', name: 'Chaos load product', currency: 'EUR', unitPrice: 1000, stock: 100_000_000 }];

const serviceEnv = () => ({
  NODE_ENV: 'test',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'warn',
  // Event retries keep the production budget (5 attempts over 1+5+15+30 s): a dependency outage shorter
  // than that must not dead-letter anything, and that is what the scenarios check.
  SHUTDOWN_TIMEOUT_MS: '8000',
  // The load comes from one address and a handful of users: lift the per-address and per-user budgets.
  RATE_LIMIT_PER_MINUTE: '100000000',
  AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
  WRITE_RATE_LIMIT_PER_MINUTE: '100000000',
});

// A developer's shell must not point a service elsewhere (REDIS_URL: rate limits stay in memory per replica).
const STRIPPED = ['PORT', 'DATABASE_URL', 'RABBITMQ_URL', 'NODE_OPTIONS', 'LOG_FORMAT', 'LOG_LEVEL', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'];

/**
 * Starts the private broker and database, then `replicas[service]` processes of each service (default 1).
 * `log(line)` receives progress lines.
 */
export async function startChaosSystem({ replicas = {}, log = () => {}, readyTimeoutMs = 180_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'plinth-chaos-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when we are root and must reach its directory
  const system = new ChaosSystem(dir, readyTimeoutMs);
  try {
    let started = Date.now();
    // allSettled: when one fails, the other is still assigned and stopped by system.stop().
    const [rabbit, postgres] = await Promise.allSettled([PrivateRabbit.start(join(dir, 'rabbit')), PrivatePostgres.start(join(dir, 'postgres'))]);
    system.rabbit = rabbit.value;
    system.postgres = postgres.value;
    for (const outcome of [rabbit, postgres]) if (outcome.status === 'rejected') throw outcome.reason;
    log(`private RabbitMQ ${system.rabbit.node} on :${system.rabbit.port} and PostgreSQL on :${system.postgres.port} up in ${Date.now() - started} ms`);
    await Promise.all(DATABASE_SERVICES.map((name) => ensureDatabaseExists(system.databaseUrlOf(name))));
    started = Date.now();
    // First replicas together; the others once those have migrated the schema (no two migrators on one database).
    for (const name of SERVICES) await system.addReplica(name);
    await Promise.all(system.all().map((service) => service.waitUntilReady(readyTimeoutMs)));
    const extra = [];
    for (const name of SERVICES) {
      for (let replica = 1; replica < (replicas[name] ?? 1); replica += 1) extra.push(await system.addReplica(name));
    }
    await Promise.all(extra.map((service) => service.waitUntilReady(readyTimeoutMs)));
    log(`${system.all().length} service processes ready in ${Date.now() - started} ms`);
    return system;
  } catch (error) {
    await system.stop();
    throw error;
  }
}

export class ChaosSystem {
  /** @type {PrivateRabbit} */ rabbit;
  /** @type {PrivatePostgres} */ postgres;
  /** @type {Map<string, ServiceProcess[]>} */ replicas = new Map(SERVICES.map((name) => [name, []]));
  #pools = new Map();

  constructor(dir, readyTimeoutMs) {
    this.dir = dir;
    this.readyTimeoutMs = readyTimeoutMs;
  }

  databaseUrlOf(name) {
    return this.postgres.databaseUrl(`plinth_${name}`);
  }

  /** Spawns one more process of `name` (not waiting for readiness). */
  async addReplica(name) {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key, value]) => value !== undefined && !STRIPPED.includes(key)));
    const port = await freePort();
    const service = new ServiceProcess(name, port, {
      ...inherited,
      ...serviceEnv(),
      PORT: String(port),
      RABBITMQ_URL: this.rabbit.url,
      ...(DATABASE_SERVICES.includes(name) ? { DATABASE_URL: this.databaseUrlOf(name) } : {}),
      ...(name === 'catalog' ? { SEED_PRODUCTS: JSON.stringify(CHAOS_PRODUCTS) } : {}),
    });
    service.start();
    this.replicas.get(name).push(service);
    return service;
  }

  replica(name, index = 0) {
    const service = this.replicas.get(name)[index];
    if (!service) throw new Error(`${name} has no replica ${index}`);
    return service;
  }

  all() {
    return [...this.replicas.values()].flat();
  }

  get gatewayUrls() {
    return this.replicas.get('gateway').map((service) => service.url);
  }

  /** pid of every process, to prove afterwards that nothing was restarted behind the scenario's back. */
  pids() {
    return Object.fromEntries(this.all().map((service) => [`${service.name}:${service.port}`, service.pid]));
  }

  async restart(service) {
    service.start();
    await service.waitUntilReady(this.readyTimeoutMs);
  }

  /** A pg pool on one service's private database, for verification queries. */
  db(name) {
    let pool = this.#pools.get(name);
    if (!pool) {
      pool = new pg.Pool({ connectionString: this.databaseUrlOf(name), max: 2 });
      pool.on('error', () => undefined); // the database is stopped on purpose in some scenarios
      this.#pools.set(name, pool);
    }
    return pool;
  }

  async query(name, sql, params = []) {
    return (await this.db(name).query(sql, params)).rows;
  }

  async stop() {
    await Promise.allSettled(this.all().map((service) => service.stop('SIGTERM', 10_000)));
    await Promise.allSettled([...this.#pools.values()].map((pool) => pool.end()));
    await Promise.allSettled([this.rabbit?.stop(), this.postgres?.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
