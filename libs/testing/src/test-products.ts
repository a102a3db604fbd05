import { CatalogRpc, type CreateProductBody, type ProductView } from '@plinth/contracts';
import { connect, type ChannelModel } from 'amqplib';

const PLENTY = 1_000_000;

const product = (sku: string, unitPrice: number, stock = PLENTY): CreateProductBody => ({ sku, name: `Test product ${sku}`, currency: 'EUR', unitPrice, stock });

/**
 * The catalog every test system starts with (catalog's SEED_PRODUCTS, or the stand-in below): the products the
 * specs and the bench order, at the prices they assert. Stock is plentiful, so the saga confirms their orders.
 */
export const TEST_PRODUCTS: readonly CreateProductBody[] = [
  // The bench's yardstick (../shared/bench) sends these with unitPrice as a price assertion.
  product('SKU-1', 1250),
  product('SKU-2', 99),
  // The e2e suite's sample order.
  product('SKU-1001', 1999),
  product('SKU-2002', 500),
  // Orders of many lines (up to MAX_ORDER_ITEMS), at a modest and at the highest price.
  ...Array.from({ length: 100 }, (_, index) => product(`ITEM-${index}`, 100)),
  ...Array.from({ length: 100 }, (_, index) => product(`MAX-${index}`, 100_000_000)),
];

/** What catalog would answer for a seeded product (version 1, nothing reserved). */
export const productViewOf = (body: CreateProductBody): ProductView => ({
  sku: body.sku,
  name: body.name,
  description: body.description ?? '',
  currency: body.currency,
  unitPrice: body.unitPrice,
  stock: body.stock,
  reserved: 0,
  version: 1,
  updatedAt: new Date(0).toISOString(),
});

/**
 * Plays catalog for a system without it (a service spec of orders): consumes `catalog.rpc` and answers
 * `catalog.products.list` with `products` on one page, so orders can fill its price read model and become ready.
 * Other patterns go unanswered (catalog down). Returns the closer.
 */
export async function serveCatalogStandIn(rabbitmqUrl: string, products: readonly CreateProductBody[]): Promise<() => Promise<void>> {
  const connection: ChannelModel = await connect(rabbitmqUrl);
  const channel = await connection.createChannel();
  const page = { ok: true, data: { items: products.map(productViewOf), nextCursor: null } };
  await channel.assertQueue('catalog.rpc', { durable: true });
  await channel.consume('catalog.rpc', (message) => {
    if (!message) return;
    const { replyTo, correlationId, type } = message.properties;
    if (replyTo && type === CatalogRpc.list) channel.sendToQueue(String(replyTo), Buffer.from(JSON.stringify(page)), { correlationId: String(correlationId) });
    channel.ack(message);
  });
  return async () => {
    await connection.close().catch(() => undefined);
  };
}
