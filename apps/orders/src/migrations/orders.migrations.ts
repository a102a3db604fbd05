import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124230000CreateOrders } from './20261124230000-create-orders.migration.js';
import { Migration20261202040000CreateProductPrices } from './20261202040000-create-product-prices.migration.js';

/** Explicit and ordered: a compiled service cannot discover migration files by globbing. */
export const ordersMigrations: MigrationObject[] = [
  { name: 'Migration20261124230000CreateOrders', class: Migration20261124230000CreateOrders },
  { name: 'Migration20261202040000CreateProductPrices', class: Migration20261202040000CreateProductPrices },
];
