import type { MikroORM } from '@mikro-orm/core';

// Arbitrary but fixed: every replica of every service contends on the same key in its own database.
const MIGRATION_LOCK_KEY = 7_340_001;

interface PgPoolClient {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  release(): void;
}
interface PgPool {
  connect(): Promise<PgPoolClient>;
}

/**
 * Applies pending migrations in one transaction. Replicas starting together serialize on a session
 * advisory lock (held on a separate pooled connection), so the second one finds nothing pending
 * instead of racing the first into duplicate DDL.
 */
export async function runMigrations(orm: MikroORM): Promise<string[]> {
  // Fails with "database … does not exist" here, before the Migrator would quietly create it.
  await orm.em.getConnection().execute('select 1');
  const pool = (await orm.em.getConnection().getNativeClient()) as PgPool;
  const lockHolder = await pool.connect();
  try {
    await lockHolder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  } finally {
    try {
      await lockHolder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    } finally {
      lockHolder.release();
    }
  }
}
