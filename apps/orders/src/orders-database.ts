import { messagingEntities, messagingMigrations } from '@plinth/messaging';
import { ordersMigrations } from './migrations/orders.migrations.js';
import { ordersEntities } from './orders/orders.entities.js';

/** Everything in the orders database: its own tables plus the outbox/inbox the messaging lib owns. */
export const ordersDatabase = {
  entities: [...ordersEntities, ...messagingEntities],
  migrations: [...ordersMigrations, ...messagingMigrations],
};
