import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildOrmOptions } from '@plinth/persistence';
import {
  ServiceProcess, createSigningKey, createTestDatabase, createTestVhost, freePort, serveAuthStandIn, uniqueTestName, workspaceRoot, type TestDatabase, type TestVhost,
} from '@plinth/testing';

// Each test spawns a Node process that loads Nest, MikroORM and OpenTelemetry: seconds when idle, much more on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

const fixture = fileURLToPath(new URL('./fixtures/fixture-service.mjs', import.meta.url));
const running: ServiceProcess[] = [];

async function fixtureService(env: Record<string, string>, args: string[] = []): Promise<ServiceProcess> {
  const port = await freePort();
  const service = new ServiceProcess(
    'fixture',
    port,
    { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', LOG_FORMAT: 'json', SHUTDOWN_TIMEOUT_MS: '4000', PORT: String(port), ...env },
    fixture,
    args,
  );
  running.push(service);
  return service;
}

async function exitOf(service: ServiceProcess, timeoutMs = 60_000): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (service.isRunning && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (service.isRunning) throw new Error(`still running after ${timeoutMs} ms:\n${service.logTail()}`);
  return Number(/exited: code (\d+)/.exec(service.logs())?.[1] ?? Number.NaN);
}

async function tablesOf(url: string): Promise<string[]> {
  const orm = await MikroORM.init(buildOrmOptions({ serviceName: 'bootstrap-spec', clientUrl: url, entities: [], migrations: [] }));
  try {
    const rows = await orm.em
      .getConnection()
      .execute<{ table_name: string }[]>("select table_name from information_schema.tables where table_schema = 'public' order by 1");
    return rows.map((row) => row.table_name);
  } finally {
    await orm.close();
  }
}

const get = async (service: ServiceProcess, path: string) => {
  const response = await fetch(`${service.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await probe();
  }
  return value;
}

beforeAll(() => {
  // The fixture runs the built library, as apps do; tsc -b is incremental and quick when up to date.
  execFileSync(`${workspaceRoot()}/node_modules/.bin/tsc`, ['-b', 'libs/service-bootstrap/tsconfig.lib.json'], { cwd: workspaceRoot() });
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map((service) => service.stop('SIGKILL')));
});

describe('configuration errors', () => {
  it('exits 1 before connecting, with one stderr line per bad variable naming it', async () => {
    const service = await fixtureService({ DATABASE_URL: 'nope', PREFETCH: 'many', RABBITMQ_URL: 'amqp://127.0.0.1:1' });
    service.start();
    expect(await exitOf(service)).toBe(1);
    expect(service.logs()).toContain(
      'Invalid configuration for orders: DATABASE_URL must be a postgres:// URL (got "nope")\n' +
        'Invalid configuration for orders: PREFETCH must be an integer (got "many")\n',
    );
    expect(service.logs()).not.toMatch(/Nest|MikroORM|ECONNREFUSED/);
  });

  it('exits 1 on an unknown command', async () => {
    const service = await fixtureService({}, ['migrat']);
    service.start();
    expect(await exitOf(service)).toBe(1);
    expect(service.logs()).toContain('Unknown command "migrat" for orders; expected one of: migrate');
  });
});

describe('a service on real PostgreSQL and RabbitMQ', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let service: ServiceProcess;
  let closeAuth: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    [database, vhost] = await Promise.all([createTestDatabase('bootstrap'), createTestVhost('bootstrap')]);
    // Readiness waits for the revocations from auth: a stand-in answers for it.
    closeAuth = await serveAuthStandIn(vhost.url, await createSigningKey());
    service = await fixtureService({ DATABASE_URL: database.url, RABBITMQ_URL: vhost.url });
    service.start();
    await service.waitUntilReady(60_000);
  }, 90_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await closeAuth?.();
    await Promise.all([database?.drop(), vhost?.drop()]);
  });

  it('applies its own and the messaging migrations before it listens', async () => {
    expect(await tablesOf(database.url)).toEqual(['fixture_item', 'inbox_message', 'mikro_orm_migrations', 'outbox_message']);
  });

  it('answers /healthz 200 without checking dependencies', async () => {
    expect(await get(service, '/healthz')).toEqual({ status: 200, body: { status: 'ok', info: {}, error: {}, details: {} } });
  });

  it('answers /readyz 200 with broker and database up', async () => {
    const { status, body } = await get(service, '/readyz');
    expect(status).toBe(200);
    expect(body['details']).toMatchObject({ broker: { status: 'up' }, database: { status: 'up' }, revocations: { status: 'up' } });
  });

  it('serves the app module and logs JSON lines carrying the service name, including one ready line with the URL', async () => {
    expect(await get(service, '/ping')).toEqual({ status: 200, body: { pong: true } });
    const lines = service
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line['service'] === 'orders')).toBe(true);
    expect(lines.filter((line) => line['msg'] === `ready on ${service.url}`)).toHaveLength(1);
  });

  it('a second `migrate` run finds the schema up to date and exits 0', async () => {
    const migrate = await fixtureService({ DATABASE_URL: database.url, RABBITMQ_URL: 'amqp://127.0.0.1:1' }, ['migrate']);
    migrate.start();
    expect(await exitOf(migrate)).toBe(0);
    expect(migrate.logs()).toContain('database schema up to date');
  });

  it('exits 0 on SIGTERM within SHUTDOWN_TIMEOUT_MS', async () => {
    const begin = Date.now();
    // Exit code 0 also proves the drain beat the 4 s watchdog, which would have exited 1.
    expect(await service.stop('SIGTERM', 15_000)).toBe(0);
    expect(Date.now() - begin).toBeLessThan(6_000);
  });
});

describe('`migrate` command', () => {
  let database: TestDatabase;
  afterAll(() => database?.drop());

  it('applies the migrations and exits 0 without needing the broker', async () => {
    database = await createTestDatabase('bootstrap_migrate');
    const migrate = await fixtureService({ DATABASE_URL: database.url, RABBITMQ_URL: 'amqp://127.0.0.1:1' }, ['migrate']);
    migrate.start();
    expect(await exitOf(migrate)).toBe(0);
    expect(migrate.logs()).toContain('applied migrations: 20261124000000_fixture_item, Messaging20261124000000_outbox_inbox');
    expect(await tablesOf(database.url)).toContain('fixture_item');
  });
});

describe('least privilege: `migrate` as the database owner, the service as a runtime role without DDL', () => {
  const owner = uniqueTestName('bootstrap_owner');
  const runtime = uniqueTestName('bootstrap_runtime');
  let database: TestDatabase;
  let vhost: TestVhost;
  let closeAuth: (() => Promise<void>) | undefined;
  const urlAs = (role: string) => {
    const url = new URL(database.url);
    url.username = role;
    return url.toString();
  };
  const asPostgres = async (url: string, sql: string) => {
    const orm = await MikroORM.init(buildOrmOptions({ serviceName: 'bootstrap-spec', clientUrl: url, entities: [], migrations: [] }));
    try {
      return await orm.em.getConnection().execute(sql);
    } finally {
      await orm.close();
    }
  };

  beforeAll(async () => {
    [database, vhost] = await Promise.all([createTestDatabase('bootstrap_privilege'), createTestVhost('bootstrap privilege')]);
    await asPostgres(database.url, `create role "${owner}" login`);
    await asPostgres(database.url, `create role "${runtime}" login`);
    await asPostgres(database.url, `alter database "${database.name}" owner to "${owner}"`);
    closeAuth = await serveAuthStandIn(vhost.url, await createSigningKey());
  }, 90_000);

  afterAll(async () => {
    await closeAuth?.();
    await Promise.all([database?.drop(), vhost?.drop()]);
    for (const role of [runtime, owner]) await asPostgres(database.url.replace(/\/[^/]+$/, '/postgres'), `drop role if exists "${role}"`);
  });

  it('migrates with MIGRATION_DATABASE_URL and grants DATABASE_URL\'s role DML; the service then starts with that role alone', async () => {
    const migrate = await fixtureService({ DATABASE_URL: urlAs(runtime), MIGRATION_DATABASE_URL: urlAs(owner), RABBITMQ_URL: 'amqp://127.0.0.1:1' }, ['migrate']);
    migrate.start();
    expect(await exitOf(migrate)).toBe(0);
    expect(migrate.logs()).toContain(`granted ${runtime} DML on every table and sequence (no DDL)`);
    await expect(asPostgres(database.url, "select tableowner from pg_tables where tablename = 'fixture_item'")).resolves.toEqual([{ tableowner: owner }]);

    const service = await fixtureService({ DATABASE_URL: urlAs(runtime), RABBITMQ_URL: vhost.url });
    service.start();
    await service.waitUntilReady(60_000);
    expect(service.logs()).toContain('database schema up to date');
    await service.stop('SIGTERM');
    await expect(asPostgres(urlAs(runtime), 'insert into fixture_item (id) values (1) returning id')).resolves.toEqual([{ id: 1 }]);
    await expect(asPostgres(urlAs(runtime), 'drop table fixture_item')).rejects.toThrow(/must be owner of table fixture_item/);
  });
});

describe('readiness when a dependency goes away', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let service: ServiceProcess;
  let closeAuth: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    [database, vhost] = await Promise.all([createTestDatabase('bootstrap_outage'), createTestVhost('bootstrap outage')]);
    closeAuth = await serveAuthStandIn(vhost.url, await createSigningKey());
    service = await fixtureService({ DATABASE_URL: database.url, RABBITMQ_URL: vhost.url });
    service.start();
    await service.waitUntilReady(60_000);
  }, 90_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await closeAuth?.();
    await Promise.all([database?.drop(), vhost?.drop()]);
  });

  it('answers /readyz 503 naming the database once its database no longer exists, while /healthz stays 200', async () => {
    await database.drop();
    const { status, body } = await eventually(() => get(service, '/readyz'), (result) => result.status === 503);
    expect(status).toBe(503);
    expect(body['details']).toMatchObject({ database: { status: 'down' }, broker: { status: 'up' } });
    expect(String((body['error'] as Record<string, Record<string, unknown>>)['database']?.['message'])).toMatch(/does not exist/);
    expect((await get(service, '/healthz')).status).toBe(200);
  });

  it('answers /readyz 503 naming the broker once the broker is unreachable', async () => {
    await vhost.drop();
    const { status, body } = await eventually(() => get(service, '/readyz'), (result) => result.status === 503 && (result.body['details'] as Record<string, { status: string }>)?.['broker']?.status === 'down');
    expect(status).toBe(503);
    expect(body['details']).toMatchObject({ broker: { status: 'down' } });
    expect(service.isRunning).toBe(true);
  });
});

describe('readiness waits for the revocations from auth', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let service: ServiceProcess;
  let closeAuth: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    [database, vhost] = await Promise.all([createTestDatabase('bootstrap_revocations'), createTestVhost('bootstrap revocations')]);
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await closeAuth?.();
    await Promise.all([database?.drop(), vhost?.drop()]);
  });

  it('answers /readyz 503 naming the revocations while auth does not answer, and 200 once it has caught up', async () => {
    service = await fixtureService({ DATABASE_URL: database.url, RABBITMQ_URL: vhost.url, RPC_TIMEOUT_MS: '500' });
    service.start();
    const waiting = await eventually(() => get(service, '/readyz').catch(() => ({ status: 0, body: {} as Record<string, unknown> })), (result) => result.status === 503, 60_000);
    expect(waiting.status).toBe(503);
    expect(waiting.body['details']).toMatchObject({ broker: { status: 'up' }, revocations: { status: 'down', message: 'catching up on revocations from auth' } });

    closeAuth = await serveAuthStandIn(vhost.url, await createSigningKey());
    const ready = await eventually(() => get(service, '/readyz'), (result) => result.status === 200, 15_000);
    expect(ready.body['details']).toMatchObject({ revocations: { status: 'up' } });
  });
});
