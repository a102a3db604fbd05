import { dropDatabase, ensureDatabaseExists } from '@plinth/persistence';
import { testInfrastructure } from './test-infrastructure.config.js';
import { assertTestName, uniqueTestName } from './unique-name.js';

export interface TestDatabase {
  url: string;
  name: string;
  /** Terminates remaining sessions and drops the database; safe to call twice. */
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server, named `plinth_<label>_test_<random>`. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = uniqueTestName(label);
  const url = new URL(testInfrastructure.databaseServerUrl);
  url.pathname = `/${name}`;
  await ensureDatabaseExists(url.toString());
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    name,
    drop: () => {
      assertTestName(name);
      dropped ??= dropDatabase(url.toString());
      return dropped;
    },
  };
}
