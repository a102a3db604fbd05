import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';

/** Creating or dropping a database needs a session on another one: the server's `postgres` database. */
const MAINTENANCE_DATABASE = 'postgres';
const DUPLICATE_DATABASE = '42P04';
// Two concurrent CREATE DATABASE race on pg_database's unique index instead of reporting 42P04.
const UNIQUE_VIOLATION = '23505';

export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`Database URL names no database: ${redactUrl(url)}`);
  return name;
}

export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function withMaintenanceConnection<T>(url: string, work: (orm: MikroORM) => Promise<T>): Promise<T> {
  const maintenanceUrl = new URL(url);
  maintenanceUrl.pathname = `/${MAINTENANCE_DATABASE}`;
  const orm = await MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: maintenanceUrl.toString(),
    entities: [],
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: 1 },
    driverOptions: { connectionTimeoutMillis: 5_000 },
    ensureDatabase: false,
    logger: () => undefined,
  });
  try {
    return await work(orm);
  } finally {
    await orm.close(true);
  }
}

/** CREATE DATABASE unless it exists; safe to call concurrently (dev launcher, tests, first deploy). */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const name = databaseNameOf(url);
  await withMaintenanceConnection(url, async (orm) => {
    const connection = orm.em.getConnection();
    const rows = await connection.execute<{ exists: boolean }[]>(
      'select exists(select 1 from pg_database where datname = ?) as "exists"',
      [name],
    );
    if (rows[0]?.exists) return;
    try {
      await connection.execute(`create database ${quoteIdentifier(name)}`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
    }
  });
}

/**
 * DROP DATABASE … WITH (FORCE): terminates the sessions still using it. Meant for test fixtures and
 * dev tooling; @plinth/testing guards it so that only databases named like tests are dropped.
 */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  await withMaintenanceConnection(url, async (orm) => {
    await orm.em.getConnection().execute(`drop database if exists ${quoteIdentifier(name)} with (force)`);
  });
}
