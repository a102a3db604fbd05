import { MikroORM } from '@mikro-orm/postgresql';
import { buildOrmOptions, runMigrations } from '@plinth/persistence';
import { createTestDatabase, type TestDatabase } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersDatabase } from '../src/orders-database.js';

describe('orders migrations', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase('orders_migrations');
    orm = await MikroORM.init(buildOrmOptions({ serviceName: 'orders-test', clientUrl: database.url, ...ordersDatabase }));
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

  it('roll back to an empty schema', async () => {
    await orm.migrator.down({ to: 0 });
    const tables = await orm.em.getConnection().execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_name <> 'mikro_orm_migrations'`,
    );
    expect(tables).toEqual([]);
    await orm.migrator.up();
  });
});
