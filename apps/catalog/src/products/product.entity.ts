import { type Opt } from '@mikro-orm/core';
import { Check, Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * A product, keyed by its sku (what orders and clients name it by). `stock` is on hand, reserved units included;
 * `reserved` is what confirmed orders hold, so `stock - reserved` is what can still be ordered.
 */
@Entity({ tableName: 'products' })
@Check({ name: 'products_stock_covers_reserved', expression: '"reserved" >= 0 and "reserved" <= "stock"' })
@Check({ name: 'products_unit_price_non_negative', expression: '"unit_price" >= 0' })
export class Product {
  @PrimaryKey({ type: 'string', length: 64 })
  sku: string;

  @Property({ type: 'string', length: 200 })
  name: string;

  @Property({ type: 'string', length: 2000, default: '' })
  description: string & Opt = '';

  @Property({ type: 'string', length: 3 })
  currency: string;

  @Property({ type: 'integer' })
  unitPrice: number;

  @Property({ type: 'integer' })
  stock: number;

  @Property({ type: 'integer', default: 0 })
  reserved: number & Opt = 0;

  /** Bumped by every admin change (not by reservations): ETag, If-Match, and the order of product events. */
  @Property({ type: 'integer', version: true, default: 1 })
  version: number & Opt = 1;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date & Opt = new Date();
}
