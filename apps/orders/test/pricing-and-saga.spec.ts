import {
  CatalogEvents,
  ErrorCodes,
  OrdersEvents,
  OrdersRpc,
  ProductChangedEvent,
  Roles,
  StockRejectedEvent,
  StockReservedEvent,
  type Actor,
  type CreateOrderResult,
  type EventEnvelope,
  type OrderView,
  type ProductChangedData,
} from '@plinth/contracts';
import { createEvent } from '@plinth/messaging';
import { TEST_PRODUCTS } from '@plinth/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrdersTestSystem } from './support/orders-test-system.js';

const customer = (): Actor => ({ userId: randomUUID(), roles: [Roles.USER] });
// Besides the test catalog: a product sold in dollars, and one whose price the events below change.
const products = [
  ...TEST_PRODUCTS,
  { sku: 'USD-1', name: 'Sold in dollars', currency: 'USD', unitPrice: 700, stock: 10 },
  { sku: 'REPRICED-1', name: 'Repriced', currency: 'EUR', unitPrice: 1000, stock: 10 },
];

let harness: OrdersTestSystem;

beforeAll(async () => {
  harness = await OrdersTestSystem.start({ products });
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});

const create = (actor: Actor, items: object[], currency = 'EUR') => harness.rpc.send<CreateOrderResult>(OrdersRpc.create, { actor, currency, items });
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    (result) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
    },
    (reason: unknown) => reason as { code: string; details?: Record<string, unknown> },
  );
const orderCount = async (userId: string) => Number((await harness.sql<{ count: string }>('select count(*) from orders where user_id = ?', [userId]))[0]?.count);
const statusEvents = (orderId: string) =>
  harness.sql<{ payload: { data: { from: string; to: string } } }>(
    `select payload from outbox_message where type = ? and payload->'data'->>'orderId' = ? order by created_at`,
    [OrdersEvents.orderStatusChanged, orderId],
  );
const productEvent = (type: string, data: ProductChangedData): EventEnvelope => createEvent(type, ProductChangedEvent.VERSION, data, { source: 'catalog' });
const repriced = (unitPrice: number, version: number): ProductChangedData => ({
  sku: 'REPRICED-1', name: 'Repriced', description: '', currency: 'EUR', unitPrice, stock: 10, reserved: 0, version, updatedAt: new Date().toISOString(),
});

describe('orders priced by the server', () => {
  it('fills the empty read model from catalog before it is ready (the stand-in\'s list)', async () => {
    const [row] = await harness.sql<{ count: string }>('select count(*) from product_prices');
    expect(Number(row?.count)).toBe(products.length);
  });

  it('prices lines without unitPrice from the read model, and computes the total from those prices', async () => {
    const { order } = await create(customer(), [{ sku: 'SKU-1', quantity: 2 }, { sku: 'SKU-2', quantity: 1 }]);
    expect(order.items).toStrictEqual([{ sku: 'SKU-1', quantity: 2, unitPrice: 1250 }, { sku: 'SKU-2', quantity: 1, unitPrice: 99 }]);
    expect(order.total).toBe(2 * 1250 + 99);
  });

  it('accepts a unitPrice equal to the current price (a client asserting what it showed)', async () => {
    const { order } = await create(customer(), [{ sku: 'SKU-1', quantity: 1, unitPrice: 1250 }]);
    expect(order.total).toBe(1250);
  });

  it('refuses a unitPrice that is not the current one as ORDERS.PRICE_CHANGED with the current price, storing nothing', async () => {
    const actor = customer();
    const error = await refusal(create(actor, [{ sku: 'SKU-1', quantity: 1000, unitPrice: 0 }, { sku: 'SKU-2', quantity: 1, unitPrice: 99 }]));
    expect(error.code).toBe(ErrorCodes.ORDERS_PRICE_CHANGED);
    expect(error.details).toStrictEqual({ lines: [{ sku: 'SKU-1', requestedUnitPrice: 0, currentUnitPrice: 1250 }] });
    expect(await orderCount(actor.userId)).toBe(0);
  });

  it('refuses an unknown sku as ORDERS.UNKNOWN_PRODUCT naming it', async () => {
    const actor = customer();
    const error = await refusal(create(actor, [{ sku: 'SKU-1', quantity: 1 }, { sku: 'NO-SUCH-SKU', quantity: 1 }]));
    expect(error).toMatchObject({ code: ErrorCodes.ORDERS_UNKNOWN_PRODUCT, details: { skus: ['NO-SUCH-SKU'] } });
    expect(await orderCount(actor.userId)).toBe(0);
  });

  it('refuses a product sold in another currency as ORDERS.CURRENCY_MISMATCH', async () => {
    const actor = customer();
    const error = await refusal(create(actor, [{ sku: 'USD-1', quantity: 1 }]));
    expect(error).toMatchObject({ code: ErrorCodes.ORDERS_CURRENCY_MISMATCH, details: { currency: 'EUR', lines: [{ sku: 'USD-1', currency: 'USD' }] } });
    expect(await orderCount(actor.userId)).toBe(0);
  });

  it('replays a spent Idempotency-Key even after the asserted price changed', async () => {
    const actor = customer();
    const items = [{ sku: 'ITEM-7', quantity: 1, unitPrice: 100 }];
    const first = await harness.rpc.send<CreateOrderResult>(OrdersRpc.create, { actor, currency: 'EUR', items, idempotencyKey: 'priced-key' });
    await harness.sql(`update product_prices set unit_price = 101, version = version + 1 where sku = 'ITEM-7'`);
    const again = await harness.rpc.send<CreateOrderResult>(OrdersRpc.create, { actor, currency: 'EUR', items, idempotencyKey: 'priced-key' });
    expect(again).toStrictEqual({ order: first.order, replayed: true });
  });

  it('follows catalog.product.* by version: a newer price applies, an older or repeated event never brings an old one back', async () => {
    const newer = productEvent(CatalogEvents.productUpdated, repriced(1500, 3));
    await harness.publishEvent(newer);
    await expect.poll(async () => (await create(customer(), [{ sku: 'REPRICED-1', quantity: 1 }])).order.total, { timeout: 10_000 }).toBe(1500);
    // Older (reordered) and repeated (redelivered) events arrive after it.
    await harness.publishEvent(productEvent(CatalogEvents.productUpdated, repriced(1200, 2)));
    await harness.publishEvent(newer);
    const marker = productEvent(CatalogEvents.productCreated, { ...repriced(5, 1), sku: 'MARKER-1' });
    await harness.publishEvent(marker);
    // The marker is handled after the two above (one queue, in order): once it is visible, they were handled too.
    await expect.poll(async () => (await harness.sql('select 1 from product_prices where sku = ?', ['MARKER-1'])).length, { timeout: 10_000 }).toBe(1);
    expect(await harness.sql('select unit_price, version from product_prices where sku = ?', ['REPRICED-1'])).toStrictEqual([{ unit_price: 1500, version: 3 }]);
  });
});

describe('the stock saga, orders\' side', () => {
  const reserved = (order: OrderView) =>
    createEvent(CatalogEvents.stockReserved, StockReservedEvent.VERSION, { orderId: order.id, lines: order.items.map(({ sku, quantity }) => ({ sku, quantity })) }, { source: 'catalog' });
  const rejected = (order: OrderView) =>
    createEvent(CatalogEvents.stockRejected, StockRejectedEvent.VERSION, {
      orderId: order.id, lines: [{ sku: order.items[0]?.sku ?? '', quantity: 1, reason: 'insufficient-stock' as const, available: 0 }],
    }, { source: 'catalog' });
  const statusOf = async (actor: Actor, order: OrderView) => (await harness.rpc.send<OrderView>(OrdersRpc.get, { actor, orderId: order.id })).status;

  it('confirms a pending order on catalog.stock.reserved, once, with its status-changed event, whatever the redeliveries', async () => {
    const actor = customer();
    const { order } = await create(actor, [{ sku: 'SKU-1', quantity: 1 }]);
    const event = reserved(order);
    await harness.publishEvent(event);
    await harness.publishEvent(event);
    await expect.poll(() => statusOf(actor, order), { timeout: 10_000 }).toBe('confirmed');
    await harness.publishEvent(rejected(order));
    const marker = customer();
    const { order: markerOrder } = await create(marker, [{ sku: 'SKU-1', quantity: 1 }]);
    await harness.publishEvent(reserved(markerOrder));
    await expect.poll(() => statusOf(marker, markerOrder), { timeout: 10_000 }).toBe('confirmed');
    // The duplicate and the late rejection changed nothing.
    expect(await statusOf(actor, order)).toBe('confirmed');
    expect((await statusEvents(order.id)).map((row) => row.payload.data)).toMatchObject([{ from: 'pending', to: 'confirmed' }]);
  });

  it('rejects a pending order on catalog.stock.rejected (terminal: a late reservation does not revive it)', async () => {
    const actor = customer();
    const { order } = await create(actor, [{ sku: 'SKU-2', quantity: 3 }]);
    await harness.publishEvent(rejected(order));
    await expect.poll(() => statusOf(actor, order), { timeout: 10_000 }).toBe('rejected');
    await harness.publishEvent(reserved(order));
    const marker = customer();
    const { order: markerOrder } = await create(marker, [{ sku: 'SKU-1', quantity: 1 }]);
    await harness.publishEvent(reserved(markerOrder));
    await expect.poll(() => statusOf(marker, markerOrder), { timeout: 10_000 }).toBe('confirmed');
    expect(await statusOf(actor, order)).toBe('rejected');
    expect((await statusEvents(order.id)).map((row) => row.payload.data)).toMatchObject([{ from: 'pending', to: 'rejected' }]);
  });

  it('leaves an order cancelled while pending as it is when the reservation arrives (catalog releases it on the cancellation)', async () => {
    const actor = customer();
    const { order } = await create(actor, [{ sku: 'SKU-1', quantity: 1 }]);
    await harness.rpc.send(OrdersRpc.cancel, { actor, orderId: order.id });
    await harness.publishEvent(reserved(order));
    const marker = customer();
    const { order: markerOrder } = await create(marker, [{ sku: 'SKU-1', quantity: 1 }]);
    await harness.publishEvent(reserved(markerOrder));
    await expect.poll(() => statusOf(marker, markerOrder), { timeout: 10_000 }).toBe('confirmed');
    expect(await statusOf(actor, order)).toBe('cancelled');
  });
});
