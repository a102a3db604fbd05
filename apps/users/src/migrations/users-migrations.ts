import type { MigrationObject } from '@mikro-orm/core';
import { CreateProfilesMigration } from './create-profiles.migration.js';

/** In the order they must run; names are stored in the migrations table, so never rename one. */
export const usersMigrations: MigrationObject[] = [
  { name: '20261124230000-create-profiles', class: CreateProfilesMigration },
];
