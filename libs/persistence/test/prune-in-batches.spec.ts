import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildOrmOptions, dropDatabase, ensureDatabaseExists, pruneInBatches, TablePruner, type RetentionRule } from '../src/index.js';
import { LedgerEntry } from './fixtures/ledger-entry.entity.js';

const serverUrl = process.env['TEST_DATABASE_SERVER_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const databaseUrl = `${serverUrl}/plinth_prune_test_${randomUUID().slice(0, 8)}`;

const expiredEvents: RetentionRule = {
  table: 'prune_event',
  expired: '"at" < now() - make_interval(secs => ?)',
  params: () => [3_600],
};

let orm: MikroORM;
const sql = <T extends object>(query: string, params: unknown[] = []) => orm.em.fork().getConnection().execute<T[]>(query, params);
const count = async (where = 'true') => Number((await sql<{ n: string }>(`select count(*) as n from prune_event where ${where}`))[0]?.n);

async function seed(expired: number, fresh: number): Promise<void> {
  await sql(`insert into prune_event (id, at) select gen_random_uuid(), now() - interval '2 hours' from generate_series(1, ?)`, [expired]);
  await sql(`insert into prune_event (id, at) select gen_random_uuid(), now() - interval '10 minutes' from generate_series(1, ?)`, [fresh]);
}

beforeAll(async () => {
  await ensureDatabaseExists(databaseUrl);
  orm = await MikroORM.init(buildOrmOptions({ serviceName: 'prune-test', clientUrl: databaseUrl, entities: [LedgerEntry], migrations: [] }));
  await sql('create table prune_event (id uuid primary key, at timestamptz not null)');
});
afterAll(async () => {
  await orm?.close(true);
  await dropDatabase(databaseUrl);
});
beforeEach(async () => {
  await sql('truncate prune_event');
});

describe('pruneInBatches on a real database', () => {
  it('deletes every expired row across several batches and keeps the fresh ones', async () => {
    await seed(25, 7);
    const em = orm.em.fork();
    const statements = vi.spyOn(em.getConnection(), 'execute');

    expect(await pruneInBatches(em, expiredEvents, 10)).toBe(25);
    const batches = statements.mock.calls.length;
    statements.mockRestore();

    expect(await count()).toBe(7);
    expect(await count(`at < now() - interval '1 hour'`)).toBe(0);
    // 10 + 10 + 5: the short batch ends the run.
    expect(batches).toBe(3);
  });

  it('skips rows another transaction holds instead of waiting for them, and takes them on a later run', async () => {
    await seed(5, 0);
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      const { rows } = await holder.query<{ id: string }>('select id from prune_event limit 1 for update');
      const started = Date.now();
      expect(await pruneInBatches(orm.em.fork(), expiredEvents, 2)).toBe(4);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await sql<{ id: string }>('select id from prune_event')).map((row) => row.id)).toEqual([rows[0].id]);
      await holder.query('commit');
    } finally {
      await holder.end();
    }
    expect(await pruneInBatches(orm.em.fork(), expiredEvents, 2)).toBe(1);
  });

  it('refuses a table name that would need quoting (rules are code, never input)', async () => {
    await expect(pruneInBatches(orm.em.fork(), { ...expiredEvents, table: 'prune_event"; drop table x; --' }, 10)).rejects.toThrow(/Not a plain table name/);
  });
});

describe('TablePruner', () => {
  it('runs every registered rule, reports the count per table, and goes on after a failing one', async () => {
    await seed(3, 1);
    const pruner = new TablePruner(orm, { intervalMs: 60_000, batchSize: 2 });
    const reported: [string, number][] = [];
    pruner.onPruned((table, rows) => reported.push([table, rows]));
    pruner.register({ table: 'missing_table', expired: 'true', params: () => [] });
    pruner.register(expiredEvents);

    expect(await pruner.pruneAll()).toEqual({ prune_event: 3 });
    expect(reported).toEqual([['prune_event', 3]]);
    expect(await count()).toBe(1);
  });
});
