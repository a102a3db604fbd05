import { MikroORM } from '@mikro-orm/postgresql';
import { messagingEntities, messagingMigrations } from '@plinth/messaging';
import { buildOrmOptions, runMigrations } from '@plinth/persistence';
import { createTestDatabase, type TestDatabase } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsDatabase } from '../src/notifications-database.js';

describe('notifications migrations', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase('notifications_migrations');
    orm = await MikroORM.init(
      buildOrmOptions({
        serviceName: 'notifications-test',
        clientUrl: database.url,
        entities: [...notificationsDatabase.entities, ...messagingEntities],
        migrations: [...notificationsDatabase.migrations, ...messagingMigrations],
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

  it('create the partial index that serves the unread view', async () => {
    const [index] = await orm.em.getConnection().execute<{ indexdef: string }[]>(
      `select indexdef from pg_indexes where indexname = 'notifications_user_unread_idx'`,
    );
    expect(index?.indexdef).toMatch(/\(user_id, created_at DESC, id DESC\) WHERE \(read = false\)$/);
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
