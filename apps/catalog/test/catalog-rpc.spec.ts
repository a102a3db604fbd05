import {
  CatalogEvents,
  CatalogRpc,
  ErrorCodes,
  OrderCreatedEvent,
  OrdersEvents,
  OrderStatusChangedEvent,
  Roles,
  type Actor,
  type CreateProductBody,
  type Page,
  type ProductView,
} from '@plinth/contracts';
import { createEvent } from '@plinth/messaging';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogTestSystem } from './support/catalog-test-system.js';

const admin: Actor = { userId: randomUUID(), roles: [Roles.USER, Roles.ADMIN] };
const customer: Actor = { userId: randomUUID(), roles: [Roles.USER] };
const seeded: CreateProductBody[] = [
  { sku: 'SEED-1', name: 'Seeded one', currency: 'EUR', unitPrice: 1250, stock: 5 },
  { sku: 'SEED-2', name: 'Seeded two', currency: 'EUR', unitPrice: 99, stock: 5 },
];

let harness: CatalogTestSystem;

beforeAll(async () => {
  harness = await CatalogTestSystem.start({ products: seeded });
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});

const send = <T>(pattern: string, payload: object) => harness.rpc.send<T>(pattern, payload);
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    (result) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
    },
    (reason: unknown) => reason as { code: string; details?: Record<string, unknown> },
  );
let skuCounter = 0;
const newProduct = async (stock: number, extra: Partial<CreateProductBody> = {}): Promise<ProductView> =>
  send<ProductView>(CatalogRpc.create, { actor: admin, sku: `P-${Date.now()}-${skuCounter++}`, name: 'A product', currency: 'EUR', unitPrice: 500, stock, ...extra });
const outboxOf = (type: string, key: string, value: string) =>
  harness.sql<{ payload: { data: Record<string, unknown> } }>(`select payload from outbox_message where type = ? and payload->'data'->>? = ? order by created_at`, [type, key, value]);
const orderCreated = (lines: { sku: string; quantity: number }[], orderId: string = randomUUID(), currency = 'EUR') =>
  createEvent(OrdersEvents.orderCreated, OrderCreatedEvent.VERSION, {
    orderId, userId: customer.userId, status: 'pending' as const, currency, total: 0, items: lines.map((line) => ({ ...line, unitPrice: 0 })),
  }, { source: 'orders' });
const orderCancelled = (orderId: string, from: 'pending' | 'confirmed' = 'confirmed') =>
  createEvent(OrdersEvents.orderStatusChanged, OrderStatusChangedEvent.VERSION, { orderId, userId: customer.userId, from, to: 'cancelled' as const, version: 3 }, { source: 'orders' });
const reservedOf = async (sku: string) => (await send<ProductView>(CatalogRpc.get, { sku })).reserved;
const outcomeOf = async (orderId: string) =>
  (await harness.sql<{ type: string }>(`select type from outbox_message where payload->'data'->>'orderId' = ? order by created_at`, [orderId])).map((row) => row.type);

describe('products', () => {
  it('seeds SEED_PRODUCTS at start, each with its catalog.product.created event', async () => {
    const page = await send<Page<ProductView>>(CatalogRpc.list, { limit: 100 });
    expect(page.items.filter((product) => product.sku.startsWith('SEED-'))).toMatchObject(seeded.map(({ sku, unitPrice }) => ({ sku, unitPrice, version: 1, reserved: 0 })));
    expect(await outboxOf(CatalogEvents.productCreated, 'sku', 'SEED-1')).toHaveLength(1);
  });

  it('creates a product (admin) with version 1 and its catalog.product.created event carrying the whole product', async () => {
    const product = await newProduct(7, { description: 'Seven of them' });
    expect(product).toMatchObject({ stock: 7, reserved: 0, version: 1, description: 'Seven of them' });
    expect((await outboxOf(CatalogEvents.productCreated, 'sku', product.sku)).map((row) => row.payload.data)).toStrictEqual([product]);
  });

  it('refuses a duplicate sku as CATALOG.SKU_TAKEN and a non-admin as COMMON.FORBIDDEN', async () => {
    const product = await newProduct(1);
    expect((await refusal(send(CatalogRpc.create, { actor: admin, sku: product.sku, name: 'Again', currency: 'EUR', unitPrice: 1, stock: 1 }))).code).toBe(ErrorCodes.CATALOG_SKU_TAKEN);
    expect((await refusal(send(CatalogRpc.create, { actor: customer, sku: 'NOT-MINE', name: 'x', currency: 'EUR', unitPrice: 1, stock: 1 }))).code).toBe(ErrorCodes.FORBIDDEN);
    expect((await refusal(send(CatalogRpc.get, { sku: 'NOT-MINE' }))).code).toBe(ErrorCodes.CATALOG_NOT_FOUND);
  });

  it('pages through the catalog in sku order without duplicates or gaps, and refuses a cursor it did not issue', async () => {
    for (let i = 0; i < 5; i++) await newProduct(1);
    const all = (await send<Page<ProductView>>(CatalogRpc.list, { limit: 100 })).items.map((product) => product.sku);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<ProductView> = await send(CatalogRpc.list, { limit: 2, cursor });
      paged.push(...page.items.map((product) => product.sku));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toStrictEqual(all);
    expect(paged).toStrictEqual([...paged].sort());
    expect((await refusal(send(CatalogRpc.list, { cursor: 'bm90LWEtc2t1IQ' }))).code).toBe(ErrorCodes.INVALID_CURSOR);
  });

  it('updates name, description and price, bumping the version, with catalog.product.updated; a stale expectedVersion is CATALOG.VERSION_CONFLICT', async () => {
    const product = await newProduct(3);
    const updated = await send<ProductView>(CatalogRpc.update, { actor: admin, sku: product.sku, unitPrice: 777, expectedVersion: 1 });
    expect(updated).toMatchObject({ unitPrice: 777, name: product.name, version: 2 });
    const stale = await refusal(send(CatalogRpc.update, { actor: admin, sku: product.sku, unitPrice: 1, expectedVersion: 1 }));
    expect(stale).toMatchObject({ code: ErrorCodes.CATALOG_VERSION_CONFLICT, details: { expectedVersion: 1, currentVersion: 2 } });
    expect((await outboxOf(CatalogEvents.productUpdated, 'sku', product.sku)).map((row) => row.payload.data)).toStrictEqual([updated]);
    expect((await refusal(send(CatalogRpc.update, { actor: admin, sku: 'NO-SUCH', unitPrice: 1 }))).code).toBe(ErrorCodes.CATALOG_NOT_FOUND);
  });

  it('restocks and writes off, but never below the reserved units (CATALOG.STOCK_BELOW_RESERVED)', async () => {
    const product = await newProduct(5);
    const order = orderCreated([{ sku: product.sku, quantity: 3 }]);
    await harness.publishEvents([order]);
    await expect.poll(() => reservedOf(product.sku), { timeout: 10_000 }).toBe(3);
    expect(await send<ProductView>(CatalogRpc.adjustStock, { actor: admin, sku: product.sku, delta: 10 })).toMatchObject({ stock: 15, reserved: 3 });
    expect(await send<ProductView>(CatalogRpc.adjustStock, { actor: admin, sku: product.sku, delta: -12 })).toMatchObject({ stock: 3, reserved: 3 });
    const refused = await refusal(send(CatalogRpc.adjustStock, { actor: admin, sku: product.sku, delta: -1 }));
    expect(refused).toMatchObject({ code: ErrorCodes.CATALOG_STOCK_BELOW_RESERVED, details: { stock: 3, reserved: 3, delta: -1 } });
    expect((await refusal(send(CatalogRpc.adjustStock, { actor: admin, sku: product.sku, delta: 0 }))).code).toBe(ErrorCodes.VALIDATION_FAILED);
  });
});

describe('catalog.products.get-many', () => {
  it('answers the known products among the skus, publicly, leaving out unknown ones', async () => {
    const [a, b] = [await newProduct(1), await newProduct(2)];
    const products = await send<ProductView[]>(CatalogRpc.getMany, { skus: [b.sku, 'NO-SUCH-SKU', a.sku, a.sku] });
    expect(products).toStrictEqual([a, b].sort((x, y) => (x.sku < y.sku ? -1 : 1)));
  });

  it('refuses an empty batch, more than 100 skus and a malformed sku as COMMON.VALIDATION_FAILED', async () => {
    for (const skus of [[], Array.from({ length: 101 }, (_, i) => `SKU-${i}`), ['bad sku']]) {
      expect((await refusal(send(CatalogRpc.getMany, { skus }))).code).toBe(ErrorCodes.VALIDATION_FAILED);
    }
  });
});

describe('the stock saga, catalog\'s side', () => {
  it('reserves every line of an order atomically and answers catalog.stock.reserved', async () => {
    const [a, b] = [await newProduct(5), await newProduct(5)];
    const order = orderCreated([{ sku: a.sku, quantity: 2 }, { sku: b.sku, quantity: 1 }, { sku: a.sku, quantity: 1 }]);
    await harness.publishEvents([order, order]);
    await expect.poll(() => outcomeOf(order.data.orderId), { timeout: 10_000 }).toStrictEqual([CatalogEvents.stockReserved]);
    expect([await reservedOf(a.sku), await reservedOf(b.sku)]).toStrictEqual([3, 1]);
  });

  it('reserves nothing when one line is short, and answers catalog.stock.rejected naming the lines and why', async () => {
    const [a, b] = [await newProduct(5), await newProduct(1)];
    const order = orderCreated([{ sku: a.sku, quantity: 2 }, { sku: b.sku, quantity: 2 }, { sku: 'NO-SUCH-SKU', quantity: 1 }]);
    await harness.publishEvents([order]);
    await expect.poll(() => outcomeOf(order.data.orderId), { timeout: 10_000 }).toStrictEqual([CatalogEvents.stockRejected]);
    const [rejected] = await outboxOf(CatalogEvents.stockRejected, 'orderId', order.data.orderId);
    expect(rejected?.payload.data['lines']).toStrictEqual([
      { sku: 'NO-SUCH-SKU', quantity: 1, reason: 'unknown-product', available: 0 },
      { sku: b.sku, quantity: 2, reason: 'insufficient-stock', available: 1 },
    ].sort((x, y) => (x.sku < y.sku ? -1 : 1)));
    expect([await reservedOf(a.sku), await reservedOf(b.sku)]).toStrictEqual([0, 0]);
  });

  it('never oversells: 60 concurrent orders of 1 unit against stock 20 reserve exactly 20', async () => {
    const product = await newProduct(20);
    const orders = Array.from({ length: 60 }, () => orderCreated([{ sku: product.sku, quantity: 1 }]));
    await harness.publishEvents(orders);
    const outcomes = async () => (await Promise.all(orders.map((order) => outcomeOf(order.data.orderId)))).flat();
    await expect.poll(async () => (await outcomes()).length, { timeout: 30_000 }).toBe(60);
    const all = await outcomes();
    expect(all.filter((type) => type === CatalogEvents.stockReserved)).toHaveLength(20);
    expect(all.filter((type) => type === CatalogEvents.stockRejected)).toHaveLength(40);
    expect(await send<ProductView>(CatalogRpc.get, { sku: product.sku })).toMatchObject({ stock: 20, reserved: 20 });
  });

  it('releases a cancelled order\'s reservation once (catalog.stock.released), whatever the redeliveries', async () => {
    const product = await newProduct(4);
    const order = orderCreated([{ sku: product.sku, quantity: 3 }]);
    await harness.publishEvents([order]);
    await expect.poll(() => reservedOf(product.sku), { timeout: 10_000 }).toBe(3);
    const cancelled = orderCancelled(order.data.orderId);
    await harness.publishEvents([cancelled, cancelled]);
    await expect.poll(() => outcomeOf(order.data.orderId), { timeout: 10_000 }).toStrictEqual([CatalogEvents.stockReserved, CatalogEvents.stockReleased]);
    expect(await reservedOf(product.sku)).toBe(0);
  });

  it('reserves nothing for an order whose cancellation arrived before its creation (reordering)', async () => {
    const product = await newProduct(4);
    const orderId = randomUUID();
    await harness.publishEvents([orderCancelled(orderId, 'pending'), orderCreated([{ sku: product.sku, quantity: 2 }], orderId)]);
    // A later order on the same queue is the marker that both events were handled.
    const marker = orderCreated([{ sku: product.sku, quantity: 1 }]);
    await harness.publishEvents([marker]);
    await expect.poll(() => outcomeOf(marker.data.orderId), { timeout: 10_000 }).toStrictEqual([CatalogEvents.stockReserved]);
    expect(await outcomeOf(orderId)).toStrictEqual([]);
    expect(await reservedOf(product.sku)).toBe(1);
  });

  it('rejects an order in another currency than the product\'s', async () => {
    const product = await newProduct(4);
    const order = orderCreated([{ sku: product.sku, quantity: 1 }], randomUUID(), 'USD');
    await harness.publishEvents([order]);
    await expect.poll(() => outcomeOf(order.data.orderId), { timeout: 10_000 }).toStrictEqual([CatalogEvents.stockRejected]);
    expect(await reservedOf(product.sku)).toBe(0);
  });
});
