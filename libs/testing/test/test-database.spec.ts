import { MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { buildOrmOptions } from '@plinth/persistence';
import { createTestDatabase } from '../src/index.js';

async function databaseExists(url: string, name: string): Promise<boolean> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const orm = await MikroORM.init(buildOrmOptions({ serviceName: 'testing-spec', clientUrl: admin.toString(), entities: [], migrations: [] }));
  try {
    const rows = await orm.em.getConnection().execute<{ count: string }[]>('select count(*) as count from pg_database where datname = ?', [name]);
    return Number(rows[0]?.count) === 1;
  } finally {
    await orm.close();
  }
}

describe('createTestDatabase', () => {
  it('creates an empty database named for the label and drops it on drop()', async () => {
    const database = await createTestDatabase('spec');
    expect(database.name).toMatch(/^plinth_spec_test_[0-9a-f]{8}$/);
    expect(new URL(database.url).pathname).toBe(`/${database.name}`);
    expect(await databaseExists(database.url, database.name)).toBe(true);

    await database.drop();
    await database.drop();

    expect(await databaseExists(database.url, database.name)).toBe(false);
  });
});
