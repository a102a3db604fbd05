import type { ServiceDatabase } from '@plinth/service-bootstrap';
import { catalogMigrations } from './migrations/catalog.migrations.js';
import { Product } from './products/product.entity.js';
import { StockReservation } from './reservations/stock-reservation.entity.js';

/** Catalog's own tables; bootstrapService adds the outbox/inbox entities and migrations of @plinth/messaging. */
export const catalogDatabase: ServiceDatabase = { entities: [Product, StockReservation], migrations: catalogMigrations };
