import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTopology, rabbitPasswordHash, servicesOf, toRabbitDefinitions } from '@plinth/messaging';
import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { rabbitmqctl } from './rabbitmqctl.js';
import { ServiceProcess } from './service-process.js';
import type { TestDatabase } from './test-database.js';
import type { TestVhost } from './test-vhost.js';
import { assertTestName } from './unique-name.js';

/** Per service: the environment that makes it run as its own narrow identities. */
export interface NarrowIdentities {
  envOf(service: string): Record<string, string>;
  /** Deletes the broker users and database roles (after the vhost and databases are gone). */
  drop(): Promise<void>;
}

/**
 * What production does, on a test vhost and test databases: a broker user per service limited to its part of the
 * topology (the definitions generated from @plinth/messaging, users included, imported with rabbitmqctl; services
 * declare only their own queues), and per database an owner role that migrates (`migrate` is run here, as the k8s
 * Job does) and a runtime role without DDL that the service runs with. Shared servers only (rabbitmqctl, trust auth).
 */
export async function provisionNarrowIdentities(
  vhost: TestVhost,
  databases: ReadonlyMap<string, TestDatabase>,
  options: { retryDelaysMs: readonly number[]; env: Record<string, string> },
): Promise<NarrowIdentities> {
  assertTestName(vhost.vhost);
  const userOf = (service: string) => `${vhost.vhost}-${service}`;
  const password = randomBytes(12).toString('hex');
  const dir = await mkdtemp(join(tmpdir(), 'plinth-identities-'));
  const roles: string[] = [];
  try {
    await chmod(dir, 0o755); // rabbitmqctl reads the file as the rabbitmq user
    const file = join(dir, 'definitions.json');
    await writeFile(file, JSON.stringify(toRabbitDefinitions(defaultTopology(), {
      vhost: vhost.vhost,
      retryDelaysMs: options.retryDelaysMs,
      users: { nameOf: userOf, passwordHashOf: () => rabbitPasswordHash(password) },
    })), { mode: 0o644 });
    await rabbitmqctl('import_definitions', file);

    const roleUrls = new Map<string, { owner: string; runtime: string }>();
    for (const [service, database] of databases) {
      const owner = `${database.name}_owner`;
      const runtime = `${database.name}_app`;
      await asSuperuser(database.url, [`create role "${owner}" login`, `create role "${runtime}" login`, `alter database "${database.name}" owner to "${owner}"`]);
      roles.push(runtime, owner);
      roleUrls.set(service, { owner: withUser(database.url, owner), runtime: withUser(database.url, runtime) });
    }
    await Promise.all([...roleUrls].map(async ([service, urls]) => {
      const migrate = new ServiceProcess(service, 0, { ...options.env, DATABASE_URL: urls.runtime, MIGRATION_DATABASE_URL: urls.owner }, undefined, ['migrate']);
      migrate.start();
      if ((await migrate.exitCode()) !== 0) throw new Error(`${service} migrate failed:\n${migrate.logTail()}`);
    }));

    return {
      envOf: (service) => {
        const broker = new URL(vhost.url);
        broker.username = userOf(service);
        broker.password = password;
        const urls = roleUrls.get(service);
        return { RABBITMQ_URL: broker.toString(), RABBITMQ_DECLARE_TOPOLOGY: 'own', ...(urls ? { DATABASE_URL: urls.runtime } : {}) };
      },
      drop: async () => {
        await Promise.allSettled(servicesOf(defaultTopology()).map((service) => rabbitmqctl('delete_user', userOf(service))));
        const serverUrl = [...databases.values()][0]?.url;
        if (serverUrl) await asSuperuser(serverUrl, roles.map((role) => `drop role if exists "${role}"`)).catch(() => undefined);
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function withUser(url: string, user: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  return parsed.toString();
}

/** On the server's `postgres` database as the test infrastructure's superuser. */
async function asSuperuser(databaseUrl: string, statements: string[]): Promise<void> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const orm = await MikroORM.init({
    driver: PostgreSqlDriver, clientUrl: url.toString(), entities: [], discovery: { warnWhenNoEntities: false }, ensureDatabase: false, pool: { min: 0, max: 1 },
  });
  try {
    for (const statement of statements) await orm.em.getConnection().execute(statement);
  } finally {
    await orm.close(true);
  }
}

/** The roles of the sessions open on a database now (besides this query's own), e.g. to see what a service runs as. */
export async function rolesConnectedTo(databaseUrl: string): Promise<string[]> {
  const orm = await MikroORM.init({
    driver: PostgreSqlDriver, clientUrl: databaseUrl, entities: [], discovery: { warnWhenNoEntities: false }, ensureDatabase: false, pool: { min: 0, max: 1 },
  });
  try {
    const rows = await orm.em.getConnection().execute<{ usename: string }[]>(
      'select distinct usename from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() order by 1',
    );
    return rows.map((row) => row.usename);
  } finally {
    await orm.close(true);
  }
}
