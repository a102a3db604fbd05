import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Orders' read model of the catalog's prices (event-carried state from `catalog.product.*`): what an order is
 * priced with, read by primary key on the create path instead of asking catalog. `version` is the product's, so an
 * older event arriving late never overwrites a newer price.
 */
@Entity({ tableName: 'product_prices' })
export class ProductPrice {
  @PrimaryKey({ type: 'string', length: 64 })
  sku: string;

  @Property({ type: 'string', length: 3 })
  currency: string;

  @Property({ type: 'integer' })
  unitPrice: number;

  @Property({ type: 'integer' })
  version: number;
}
