import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261202040000CreateCatalog } from './20261202040000-create-catalog.migration.js';

/** Explicit and ordered: a compiled service cannot discover migration files by globbing. */
export const catalogMigrations: MigrationObject[] = [
  { name: 'Migration20261202040000CreateCatalog', class: Migration20261202040000CreateCatalog },
];
