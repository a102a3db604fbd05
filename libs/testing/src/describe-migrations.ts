import { MikroORM } from '@mikro-orm/postgresql';
import { buildOrmOptions, runMigrations, type PersistenceOptions } from '@plinth/persistence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface MigrationsSpecOptions extends Pick<PersistenceOptions, 'entities' | 'migrations'> {
  /** Names the suite (`<service> migrations`), the test database label and the ORM's application_name. */
  service: string;
}

/** The migrated ORM of a running migrations suite; read it inside a test, it exists only after beforeAll. */
export interface MigratedSchema {
  readonly orm: MikroORM;
}

/**
 * The migrations suite every service shares: on a fresh database the migrations must produce exactly
 * the schema the entities describe and roll back to an empty schema. `serviceAssertions` registers the
 * service's own tests on the migrated schema; they run before the roll-back test.
 */
export function describeMigrations(options: MigrationsSpecOptions, serviceAssertions?: (schema: MigratedSchema) => void): void {
  describe(`${options.service} migrations`, () => {
    let database: TestDatabase;
    let orm: MikroORM;

    beforeAll(async () => {
      database = await createTestDatabase(`${options.service}_migrations`);
      orm = await MikroORM.init(
        buildOrmOptions({
          serviceName: `${options.service}-test`,
          clientUrl: database.url,
          entities: options.entities,
          migrations: options.migrations,
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

    serviceAssertions?.({
      get orm() {
        return orm;
      },
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
}
