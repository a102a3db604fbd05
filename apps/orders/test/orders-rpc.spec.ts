import {
  ErrorCodes,
  OrdersEvents,
  OrdersRpc,
  Roles,
  type Actor,
  type CreateOrderResult,
  type EventEnvelope,
  type OrderView,
  type Page,
} from '@plinth/contracts';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Order } from '../src/orders/order.entity.js';
import { OrdersTestSystem } from './support/orders-test-system.js';

const customer = (): Actor => ({ userId: randomUUID(), roles: [Roles.USER] });
const admin: Actor = { userId: randomUUID(), roles: [Roles.USER, Roles.ADMIN] };
// Products of the test catalog (TEST_PRODUCTS, served by the harness's catalog stand-in), at their prices.
const item = { sku: 'SKU-1001', quantity: 2, unitPrice: 1999 };
const body = { currency: 'EUR', items: [item, { sku: 'SKU-2002', quantity: 1, unitPrice: 500 }] };

let harness: OrdersTestSystem;

beforeAll(async () => {
  harness = await OrdersTestSystem.start();
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});

const send = <T>(pattern: string, payload: object) => harness.rpc.send<T>(pattern, payload);
const create = async (actor: Actor, extra: object = {}) => (await send<CreateOrderResult>(OrdersRpc.create, { ...body, ...extra, actor })).order;
type Refusal = { code: string; details?: { fieldErrors?: { field: string }[] } };
const rejection = (promise: Promise<unknown>): Promise<Refusal> =>
  promise.then(
    (result) => {
      throw new Error(`expected the RPC to be refused, it answered ${JSON.stringify(result)}`);
    },
    (reason: unknown) => reason as Refusal,
  );
const outboxRows = (orderId: string) =>
  harness.sql<{ type: string; payload: { type: string; data: Record<string, unknown> }; sent_at: Date | null }>(
    `select type, payload, sent_at from outbox_message where payload->'data'->>'orderId' = ? order by created_at, id`,
    [orderId],
  );
const orderCount = async (userId: string) => {
  const [row] = await harness.sql<{ count: string }>('select count(*) from orders where user_id = ?', [userId]);
  return Number(row?.count);
};

describe('orders.create', () => {
  it('stores the order with a server-computed total, status pending and version 1', async () => {
    const actor = customer();
    const result = await send<CreateOrderResult>(OrdersRpc.create, { ...body, actor });
    expect(result.replayed).toBe(false);
    expect(result.order).toMatchObject({ userId: actor.userId, status: 'pending', currency: 'EUR', total: 2 * 1999 + 500, version: 1, items: body.items });
    expect(await send<OrderView>(OrdersRpc.get, { actor, orderId: result.order.id })).toStrictEqual(result.order);
  });

  it('writes orders.order.created to the outbox in the same transaction, and the relay sends it', async () => {
    const actor = customer();
    const order = await create(actor);
    const rows = await outboxRows(order.id);
    expect(rows.map((row) => row.type)).toStrictEqual([OrdersEvents.orderCreated]);
    expect(rows.map((row) => row.payload.data)).toStrictEqual([
      { orderId: order.id, userId: actor.userId, status: 'pending', currency: 'EUR', total: order.total, items: body.items },
    ]);
    await expect.poll(async () => (await outboxRows(order.id)).every((row) => row.sent_at !== null), { timeout: 5_000 }).toBe(true);
  });

  it('delivers orders.order.created and orders.order.status-changed to the subscribers\' durable queue', async () => {
    const actor = customer();
    const order = await create(actor);
    await send(OrdersRpc.cancel, { actor, orderId: order.id });
    const received: EventEnvelope[] = [];
    await expect
      .poll(async () => {
        received.push(...(await harness.takeQueuedEvents('notifications')));
        return received.filter((event) => (event.data as { orderId?: string }).orderId === order.id).map((event) => event.type);
      }, { timeout: 5_000 })
      .toStrictEqual([OrdersEvents.orderCreated, OrdersEvents.orderStatusChanged]);
    const [created, changed] = received.filter((event) => (event.data as { orderId?: string }).orderId === order.id);
    expect(created).toMatchObject({ version: 1, source: 'orders', data: { orderId: order.id, userId: actor.userId, total: order.total } });
    expect(changed).toMatchObject({ version: 1, source: 'orders', data: { from: 'pending', to: 'cancelled', version: 2 } });
  });

  it('keeps a total of 10^13 minor units exact', async () => {
    const items = Array.from({ length: 100 }, (_, index) => ({ sku: `MAX-${index}`, quantity: 1000, unitPrice: 100_000_000 }));
    const order = await create(customer(), { items });
    expect(order.total).toBe(10_000_000_000_000);
  });
});

describe('orders.create with an Idempotency-Key', () => {
  it('replays the same order for the same actor, key and body, without a second order or event', async () => {
    const actor = customer();
    const first = await send<CreateOrderResult>(OrdersRpc.create, { ...body, actor, idempotencyKey: 'key-1' });
    const again = await send<CreateOrderResult>(OrdersRpc.create, { ...body, actor, idempotencyKey: 'key-1' });
    expect(again).toStrictEqual({ order: first.order, replayed: true });
    expect(await orderCount(actor.userId)).toBe(1);
    expect(await outboxRows(first.order.id)).toHaveLength(1);
  });

  it('refuses the same key with a different body as ORDERS.IDEMPOTENCY_MISMATCH', async () => {
    const actor = customer();
    await send(OrdersRpc.create, { ...body, actor, idempotencyKey: 'key-2' });
    const error = await rejection(send(OrdersRpc.create, { ...body, currency: 'USD', actor, idempotencyKey: 'key-2' }));
    expect(error.code).toBe(ErrorCodes.ORDERS_IDEMPOTENCY_MISMATCH);
    expect(await orderCount(actor.userId)).toBe(1);
  });

  it('scopes keys to the actor: another user with the same key gets their own order', async () => {
    const first = await send<CreateOrderResult>(OrdersRpc.create, { ...body, actor: customer(), idempotencyKey: 'shared-key' });
    const second = await send<CreateOrderResult>(OrdersRpc.create, { ...body, actor: customer(), idempotencyKey: 'shared-key' });
    expect(second.replayed).toBe(false);
    expect(second.order.id).not.toBe(first.order.id);
  });

  it('no longer replays a key older than IDEMPOTENCY_KEY_TTL_HOURS (24): the same request creates a new order, which the key then replays', async () => {
    const actor = customer();
    const first = await send<CreateOrderResult>(OrdersRpc.create, { ...body, actor, idempotencyKey: 'old-key' });
    await harness.sql(`update order_idempotency_keys set created_at = now() - interval '24 hours 1 minute' where user_id = ?`, [actor.userId]);

    const afterExpiry = await send<CreateOrderResult>(OrdersRpc.create, { ...body, actor, idempotencyKey: 'old-key' });
    const again = await send<CreateOrderResult>(OrdersRpc.create, { ...body, actor, idempotencyKey: 'old-key' });

    expect(afterExpiry.replayed).toBe(false);
    expect(afterExpiry.order.id).not.toBe(first.order.id);
    expect(again).toStrictEqual({ order: afterExpiry.order, replayed: true });
    expect(await orderCount(actor.userId)).toBe(2);
  });

  it('still replays a key just inside its TTL', async () => {
    const actor = customer();
    const first = await send<CreateOrderResult>(OrdersRpc.create, { ...body, actor, idempotencyKey: 'day-old-key' });
    await harness.sql(`update order_idempotency_keys set created_at = now() - interval '23 hours 59 minutes' where user_id = ?`, [actor.userId]);
    expect(await send<CreateOrderResult>(OrdersRpc.create, { ...body, actor, idempotencyKey: 'day-old-key' })).toStrictEqual({ order: first.order, replayed: true });
  });

  it('creates exactly one order when concurrent first requests carry the same key', async () => {
    const actor = customer();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => send<CreateOrderResult>(OrdersRpc.create, { ...body, actor, idempotencyKey: 'race-key' })),
    );
    const orderIds = [...new Set(results.map((result) => result.order.id))];
    expect(orderIds).toHaveLength(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(await orderCount(actor.userId)).toBe(1);
    for (const orderId of orderIds) expect(await outboxRows(orderId)).toHaveLength(1);
  });
});

describe('orders.create validation', () => {
  it.each([
    ['quantity 0', { items: [{ ...item, quantity: 0 }] }, 'items.0.quantity'],
    ['quantity 1001', { items: [{ ...item, quantity: 1001 }] }, 'items.0.quantity'],
    ['no items', { items: [] }, 'items'],
    ['101 items', { items: Array.from({ length: 101 }, () => item) }, 'items'],
    ['a lower-case currency', { currency: 'eur' }, 'currency'],
    ['a negative unit price', { items: [{ ...item, unitPrice: -1 }] }, 'items.0.unitPrice'],
    ['a fractional unit price', { items: [{ ...item, unitPrice: 1.5 }] }, 'items.0.unitPrice'],
    ['an unknown field', { discount: 10 }, 'discount'],
  ])('refuses %s as COMMON.VALIDATION_FAILED naming the field', async (_case, override, field) => {
    const actor = customer();
    const error = await rejection(send(OrdersRpc.create, { ...body, ...override, actor }));
    expect(error.code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect(error.details?.fieldErrors?.map((fieldError) => fieldError.field)).toContain(field);
    expect(await orderCount(actor.userId)).toBe(0);
  });

  it('refuses a request without an actor: unauthenticated without a token, invalid with one', async () => {
    expect((await rejection(send(OrdersRpc.create, body))).code).toBe(ErrorCodes.UNAUTHENTICATED);
    const withToken = harness.rpc.send(OrdersRpc.create, body, { headers: await harness.rpc.headersFor(customer()) });
    expect((await rejection(withToken)).code).toBe(ErrorCodes.VALIDATION_FAILED);
  });
});

describe('orders.get', () => {
  it('answers ORDERS.NOT_FOUND for another customer\'s order and for an unknown id', async () => {
    const order = await create(customer());
    expect((await rejection(send(OrdersRpc.get, { actor: customer(), orderId: order.id }))).code).toBe(ErrorCodes.ORDERS_NOT_FOUND);
    expect((await rejection(send(OrdersRpc.get, { actor: customer(), orderId: randomUUID() }))).code).toBe(ErrorCodes.ORDERS_NOT_FOUND);
  });

  it('shows any order to an admin', async () => {
    const order = await create(customer());
    expect(await send<OrderView>(OrdersRpc.get, { actor: admin, orderId: order.id })).toStrictEqual(order);
  });
});

describe('orders.get-many', () => {
  it('answers the caller\'s own orders among the ids, leaving out others\' and unknown ones', async () => {
    const owner = customer();
    const [first, second] = [await create(owner), await create(owner)];
    const foreign = await create(customer());
    const orders = await send<OrderView[]>(OrdersRpc.getMany, { actor: owner, orderIds: [second.id, foreign.id, randomUUID(), first.id, first.id] });
    expect(orders.map((order) => order.id).sort()).toStrictEqual([first.id, second.id].sort());
    expect(orders.find((order) => order.id === first.id)).toStrictEqual(first);
  });

  it('answers any order to an admin', async () => {
    const [a, b] = [await create(customer()), await create(customer())];
    expect((await send<OrderView[]>(OrdersRpc.getMany, { actor: admin, orderIds: [a.id, b.id] })).map((order) => order.id).sort()).toStrictEqual([a.id, b.id].sort());
  });

  it('refuses an empty batch, more than 100 ids and an id that is not a UUID as COMMON.VALIDATION_FAILED', async () => {
    for (const orderIds of [[], Array.from({ length: 101 }, () => randomUUID()), ['not-a-uuid']]) {
      expect((await rejection(send(OrdersRpc.getMany, { actor: admin, orderIds }))).code).toBe(ErrorCodes.VALIDATION_FAILED);
    }
  });
});

describe('orders.list', () => {
  const owner = customer();
  const other = customer();
  const ownIds: string[] = [];

  beforeAll(async () => {
    for (let batch = 0; batch < 4; batch++) {
      const orders = await Promise.all(Array.from({ length: 5 }, () => create(owner)));
      ownIds.push(...orders.map((order) => order.id));
    }
    // Five orders sharing one timestamp: pages must break the tie by id, not skip or repeat them.
    const tiedAt = new Date();
    const em = harness.orm.em.fork();
    for (let index = 0; index < 5; index++) {
      const order = Object.assign(new Order(), { userId: owner.userId, currency: 'EUR', items: body.items, total: 4498, createdAt: tiedAt, updatedAt: tiedAt });
      em.persist(order);
      ownIds.push(order.id);
    }
    await em.flush();
    await create(other);
    await create(other);
  });

  const listAll = async (query: object, limit: number) => {
    const pages: OrderView[][] = [];
    let cursor: string | undefined;
    do {
      const page: Page<OrderView> = await send(OrdersRpc.list, { ...query, limit, ...(cursor ? { cursor } : {}) });
      pages.push(page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return pages;
  };

  it('pages through all own orders newest first, without duplicates or gaps', async () => {
    const pages = await listAll({ actor: owner }, 10);
    expect(pages.map((page) => page.length)).toStrictEqual([10, 10, 5]);
    const listed = pages.flat();
    expect(new Set(listed.map((order) => order.id))).toStrictEqual(new Set(ownIds));
    const sorted = [...listed].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0));
    expect(listed.map((order) => order.id)).toStrictEqual(sorted.map((order) => order.id));
  });

  it('defaults to 20 per page', async () => {
    const page = await send<Page<OrderView>>(OrdersRpc.list, { actor: owner });
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('filters by status', async () => {
    await send(OrdersRpc.cancel, { actor: owner, orderId: ownIds[0] });
    await send(OrdersRpc.cancel, { actor: owner, orderId: ownIds[1] });
    const pages = await listAll({ actor: owner, status: 'cancelled' }, 1);
    expect(pages.flat().map((order) => order.id).sort()).toStrictEqual([ownIds[0], ownIds[1]].sort());
  });

  it('never shows another customer\'s orders', async () => {
    const page = await send<Page<OrderView>>(OrdersRpc.list, { actor: other, limit: 100 });
    expect(page.items).toHaveLength(2);
    expect(page.items.every((order) => order.userId === other.userId)).toBe(true);
  });

  it('refuses a customer\'s userId filter for someone else as COMMON.FORBIDDEN', async () => {
    expect((await rejection(send(OrdersRpc.list, { actor: other, userId: owner.userId }))).code).toBe(ErrorCodes.FORBIDDEN);
  });

  it('accepts a customer\'s userId filter naming themselves', async () => {
    const page = await send<Page<OrderView>>(OrdersRpc.list, { actor: other, userId: other.userId });
    expect(page.items).toHaveLength(2);
  });

  it('lets an admin list one user\'s orders, or everyone\'s', async () => {
    const ofOther = await send<Page<OrderView>>(OrdersRpc.list, { actor: admin, userId: other.userId });
    expect(ofOther.items.map((order) => order.userId)).toStrictEqual([other.userId, other.userId]);
    const everyone = (await listAll({ actor: admin }, 100)).flat();
    const owners = new Set(everyone.map((order) => order.userId));
    expect(owners.has(owner.userId) && owners.has(other.userId)).toBe(true);
  });

  it('refuses a cursor it did not issue as COMMON.INVALID_CURSOR', async () => {
    expect((await rejection(send(OrdersRpc.list, { actor: owner, cursor: 'bm90LWEtY3Vyc29y' }))).code).toBe(ErrorCodes.INVALID_CURSOR);
  });

  it('refuses a limit above 100', async () => {
    expect((await rejection(send(OrdersRpc.list, { actor: owner, limit: 101 }))).code).toBe(ErrorCodes.VALIDATION_FAILED);
  });
});

describe('orders.cancel', () => {
  it('cancels an own pending order, bumps the version and emits orders.order.status-changed', async () => {
    const actor = customer();
    const order = await create(actor);
    const cancelled = await send<OrderView>(OrdersRpc.cancel, { actor, orderId: order.id, expectedVersion: 1 });
    expect(cancelled).toMatchObject({ id: order.id, status: 'cancelled', version: 2 });
    const rows = await outboxRows(order.id);
    expect(rows.map((row) => row.type)).toStrictEqual([OrdersEvents.orderCreated, OrdersEvents.orderStatusChanged]);
    expect(rows.map((row) => row.payload.data).at(1)).toStrictEqual({ orderId: order.id, userId: actor.userId, from: 'pending', to: 'cancelled', version: 2 });
  });

  it('cancels a confirmed order', async () => {
    const actor = customer();
    const order = await create(actor);
    await send(OrdersRpc.changeStatus, { actor: admin, orderId: order.id, status: 'confirmed' });
    expect(await send<OrderView>(OrdersRpc.cancel, { actor, orderId: order.id })).toMatchObject({ status: 'cancelled', version: 3 });
  });

  it.each([['shipped'], ['cancelled']])('refuses to cancel a %s order as ORDERS.ILLEGAL_TRANSITION', async (status) => {
    const actor = customer();
    const order = await create(actor);
    if (status === 'shipped') {
      await send(OrdersRpc.changeStatus, { actor: admin, orderId: order.id, status: 'confirmed' });
      await send(OrdersRpc.changeStatus, { actor: admin, orderId: order.id, status: 'shipped' });
    } else {
      await send(OrdersRpc.cancel, { actor, orderId: order.id });
    }
    expect((await rejection(send(OrdersRpc.cancel, { actor, orderId: order.id }))).code).toBe(ErrorCodes.ORDERS_ILLEGAL_TRANSITION);
  });

  it('answers ORDERS.NOT_FOUND for another customer\'s order and leaves it untouched', async () => {
    const order = await create(customer());
    expect((await rejection(send(OrdersRpc.cancel, { actor: customer(), orderId: order.id }))).code).toBe(ErrorCodes.ORDERS_NOT_FOUND);
    expect(await send<OrderView>(OrdersRpc.get, { actor: admin, orderId: order.id })).toMatchObject({ status: 'pending', version: 1 });
  });

  it('refuses a stale expectedVersion as ORDERS.VERSION_CONFLICT', async () => {
    const actor = customer();
    const order = await create(actor);
    await send(OrdersRpc.changeStatus, { actor: admin, orderId: order.id, status: 'confirmed' });
    const error = await rejection(send(OrdersRpc.cancel, { actor, orderId: order.id, expectedVersion: 1 }));
    expect(error.code).toBe(ErrorCodes.ORDERS_VERSION_CONFLICT);
    expect(await send<OrderView>(OrdersRpc.get, { actor, orderId: order.id })).toMatchObject({ status: 'confirmed', version: 2 });
  });
});

describe('orders.status.change', () => {
  it('walks an order pending → confirmed → shipped → delivered, one version and one event per step', async () => {
    const order = await create(customer());
    for (const [index, status] of (['confirmed', 'shipped', 'delivered'] as const).entries()) {
      const changed = await send<OrderView>(OrdersRpc.changeStatus, { actor: admin, orderId: order.id, status, expectedVersion: index + 1 });
      expect(changed).toMatchObject({ status, version: index + 2 });
    }
    const events = (await outboxRows(order.id)).slice(1).map((row) => row.payload.data);
    expect(events.map(({ from, to, version }) => ({ from, to, version }))).toStrictEqual([
      { from: 'pending', to: 'confirmed', version: 2 },
      { from: 'confirmed', to: 'shipped', version: 3 },
      { from: 'shipped', to: 'delivered', version: 4 },
    ]);
  });

  it('refuses a non-admin as COMMON.FORBIDDEN, even for their own order', async () => {
    const actor = customer();
    const order = await create(actor);
    expect((await rejection(send(OrdersRpc.changeStatus, { actor, orderId: order.id, status: 'confirmed' }))).code).toBe(ErrorCodes.FORBIDDEN);
  });

  it.each([['pending', 'shipped'], ['pending', 'delivered'], ['pending', 'pending']])(
    'refuses %s → %s as ORDERS.ILLEGAL_TRANSITION without a change or an event',
    async (_from, to) => {
      const order = await create(customer());
      const error = await rejection(send(OrdersRpc.changeStatus, { actor: admin, orderId: order.id, status: to }));
      expect(error.code).toBe(ErrorCodes.ORDERS_ILLEGAL_TRANSITION);
      expect(await outboxRows(order.id)).toHaveLength(1);
    },
  );

  it('answers ORDERS.NOT_FOUND for an unknown order', async () => {
    const error = await rejection(send(OrdersRpc.changeStatus, { actor: admin, orderId: randomUUID(), status: 'confirmed' }));
    expect(error.code).toBe(ErrorCodes.ORDERS_NOT_FOUND);
  });
});

describe('optimistic locking under concurrency', () => {
  it('lets exactly one of concurrent transitions win; the others are refused, never lost', async () => {
    const order = await create(customer());
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => send<OrderView>(OrdersRpc.changeStatus, { actor: admin, orderId: order.id, status: 'confirmed' })),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const codes = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as { code: string }).code] : []));
    // A loser that read before the winner committed conflicts on the version; one that read after sees "confirmed".
    expect(codes.every((code) => code === ErrorCodes.ORDERS_VERSION_CONFLICT || code === ErrorCodes.ORDERS_ILLEGAL_TRANSITION)).toBe(true);
    expect(await send<OrderView>(OrdersRpc.get, { actor: admin, orderId: order.id })).toMatchObject({ status: 'confirmed', version: 2 });
    expect(await outboxRows(order.id)).toHaveLength(2);
  });

  it('refuses a write whose version changed between its read and its update as ORDERS.VERSION_CONFLICT', async () => {
    const actor = customer();
    const order = await create(actor);
    // A competing writer holds the row, so the cancel reads version 1 and then blocks on its UPDATE…
    const competitor = await harness.openTransaction();
    await competitor.query(`update orders set status = 'confirmed', version = version + 1 where id = $1`, [order.id]);
    const cancel = rejection(send(OrdersRpc.cancel, { actor, orderId: order.id }));
    await harness.waitForLockWaiters(1);
    // …until the competitor commits version 2: the cancel's `where version = 1` then matches nothing.
    await competitor.commit();
    expect((await cancel).code).toBe(ErrorCodes.ORDERS_VERSION_CONFLICT);
    expect(await send<OrderView>(OrdersRpc.get, { actor, orderId: order.id })).toMatchObject({ status: 'confirmed', version: 2 });
    expect((await outboxRows(order.id)).map((row) => row.type)).toStrictEqual([OrdersEvents.orderCreated]);
  });
});
