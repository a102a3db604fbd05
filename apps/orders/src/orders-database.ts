import type { ServiceDatabase } from '@plinth/service-bootstrap';
import { ordersMigrations } from './migrations/orders.migrations.js';
import { ordersEntities } from './orders/orders.entities.js';

/** Orders' own tables; bootstrapService adds the outbox/inbox entities and migrations of @plinth/messaging. */
export const ordersDatabase: ServiceDatabase = { entities: ordersEntities, migrations: ordersMigrations };
