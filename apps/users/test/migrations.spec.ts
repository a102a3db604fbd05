import { MikroORM } from '@mikro-orm/postgresql';
import { messagingEntities, messagingMigrations } from '@plinth/messaging';
import { buildOrmOptions, runMigrations } from '@plinth/persistence';
import { createTestDatabase, type TestDatabase } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usersDatabase } from '../src/users-database.js';

describe('users migrations', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase('users_migrations');
    orm = await MikroORM.init(
      buildOrmOptions({
        serviceName: 'users-test',
        clientUrl: database.url,
        entities: [...usersDatabase.entities, ...messagingEntities],
        migrations: [...usersDatabase.migrations, ...messagingMigrations],
      }),
    );
    await runMigrations(orm);
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('produce exactly the schema the entities describe', async () => {
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
    expect(diff.trim()).toBe('');
  });

  it('create the case-insensitive prefix index the email filter relies on', async () => {
    const [index] = await orm.em.getConnection().execute<{ indexdef: string }[]>(
      `select indexdef from pg_indexes where indexname = 'profiles_email_lower_prefix_idx'`,
    );
    expect(index?.indexdef).toContain('lower((email)::text) text_pattern_ops');
  });

  it('roll back to an empty schema', async () => {
    await orm.migrator.down({ to: 0 });
    const tables = await orm.em.getConnection().execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_name <> 'mikro_orm_migrations'`,
    );
    expect(tables).toEqual([]);
    await orm.migrator.up();
  });
});
