import type { MigrationObject } from '@mikro-orm/core';
import { AddEmailNotificationsPreferenceMigration } from './add-email-notifications-preference.migration.js';
import { AddEmailVerifiedMigration } from './add-email-verified.migration.js';
import { CreateProfilesMigration } from './create-profiles.migration.js';

/** In the order they must run; names are stored in the migrations table, so never rename one. */
export const usersMigrations: MigrationObject[] = [
  { name: '20261124230000-create-profiles', class: CreateProfilesMigration },
  { name: '20261125000000-add-email-notifications-preference', class: AddEmailNotificationsPreferenceMigration },
  { name: '20261202050000-add-email-verified', class: AddEmailVerifiedMigration },
];
