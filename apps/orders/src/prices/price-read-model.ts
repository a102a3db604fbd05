import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { ProductChangedData } from '@plinth/contracts';
import { PreparedStatement } from '@plinth/persistence';

export interface CurrentPrice {
  sku: string;
  currency: string;
  unitPrice: number;
}

// One indexed read per order, prepared once per pooled connection (the create path is the hottest statement).
const PRICES_OF = new PreparedStatement<{ sku: string; currency: string; unit_price: number }>(
  'orders_prices_of',
  'select "sku", "currency", "unit_price" from "product_prices" where "sku" = any($1::text[])',
);

// Version-ordered upsert: a product event (or a warm-up page) older than what is stored changes nothing, so
// redelivery and reordering can never bring back an old price.
// The rows travel as ONE jsonb parameter (MikroORM's execute inlines a JS array as a value list, not an array).
const UPSERT = `insert into "product_prices" ("sku", "currency", "unit_price", "version")
  select "sku", "currency", "unitPrice", "version" from jsonb_to_recordset(?::jsonb) as p("sku" text, "currency" text, "unitPrice" int, "version" int)
  on conflict ("sku") do update set "currency" = excluded."currency", "unit_price" = excluded."unit_price", "version" = excluded."version"
  where "product_prices"."version" < excluded."version"`;

/** The prices orders charges: its own table, fed by catalog's product events and, on an empty start, by catalog's list. */
@Injectable()
export class PriceReadModel {
  constructor(private readonly em: EntityManager) {}

  async pricesOf(skus: readonly string[]): Promise<Map<string, CurrentPrice>> {
    const rows = await PRICES_OF.execute(this.em, [skus]);
    return new Map(rows.map((row) => [row.sku, { sku: row.sku, currency: row.currency, unitPrice: row.unit_price }]));
  }

  /** In the caller's transaction when given one (the inbox's), else on its own. */
  async apply(products: readonly Pick<ProductChangedData, 'sku' | 'currency' | 'unitPrice' | 'version'>[], em: EntityManager = this.em.fork()): Promise<void> {
    if (products.length === 0) return;
    const rows = products.map(({ sku, currency, unitPrice, version }) => ({ sku, currency, unitPrice, version }));
    await em.execute(UPSERT, [JSON.stringify(rows)]);
  }

  async isEmpty(): Promise<boolean> {
    const rows = await this.em.fork().execute<{ one: number }[]>('select 1 as "one" from "product_prices" limit 1');
    return rows.length === 0;
  }
}
