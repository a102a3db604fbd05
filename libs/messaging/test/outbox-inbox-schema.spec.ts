// The hand-written migration must create exactly what the entities describe.
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, initMigratedOrm } from './outbox-inbox.test-support.js';

describe('messagingMigrations', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase('outbox_schema');
    orm = await initMigratedOrm(database.url);
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('leaves no schema difference to the entities after migrating', async () => {
    expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });

  it('creates the partial index the relay polls with', async () => {
    const [index] = await orm.em.fork().execute<{ indexdef: string }[]>(
      `select indexdef from pg_indexes where indexname = 'outbox_message_unsent_idx'`,
    );

    expect(index.indexdef).toBe(
      'CREATE INDEX outbox_message_unsent_idx ON public.outbox_message USING btree (created_at, id) WHERE (sent_at IS NULL)',
    );
  });

  it('reverts cleanly', async () => {
    await orm.migrator.down();
    const tables = await orm.em.fork().execute<{ tablename: string }[]>(
      `select tablename from pg_tables where tablename in ('outbox_message', 'inbox_message')`,
    );

    expect(tables).toEqual([]);
  });
});
