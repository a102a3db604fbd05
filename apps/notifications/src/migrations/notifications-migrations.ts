import type { MigrationObject } from '@mikro-orm/core';
import { AddStreamSequenceAndEmailMigration } from './add-stream-sequence-and-email.migration.js';
import { CreateNotificationsMigration } from './create-notifications.migration.js';

/** In the order they must run; names are stored in the migrations table, so never rename one. */
export const notificationsMigrations: MigrationObject[] = [
  { name: '20261124230000-create-notifications', class: CreateNotificationsMigration },
  { name: '20261125000000-add-stream-sequence-and-email', class: AddStreamSequenceAndEmailMigration },
];
