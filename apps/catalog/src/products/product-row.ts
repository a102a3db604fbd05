import type { ProductChangedData, ProductView } from '@plinth/contracts';

/** A `products` row as raw SQL returns it (`returning *`, `select *`): snake_case, timestamps as Dates. */
export interface ProductRow {
  sku: string;
  name: string;
  description: string;
  currency: string;
  unit_price: number;
  stock: number;
  reserved: number;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Row → wire, field by field: a column added to the table never reaches a client by accident. */
export const toProductView = (row: ProductRow): ProductView => ({
  sku: row.sku,
  name: row.name,
  description: row.description,
  currency: row.currency,
  unitPrice: row.unit_price,
  stock: row.stock,
  reserved: row.reserved,
  version: row.version,
  updatedAt: new Date(row.updated_at).toISOString(),
});

/** The product events carry the whole product (event-carried state), exactly as a read would show it. */
export const toProductChangedData = (row: ProductRow): ProductChangedData => toProductView(row);
