import {
  AuthEvents,
  ErrorCodes,
  NotificationCreatedEvent,
  NotificationsEvents,
  NotificationsRpc,
  NotificationsStreamRpc,
  OrderCreatedEvent,
  OrdersEvents,
  OrderStatusChangedEvent,
  Roles,
  UserRegisteredEvent,
  type Actor,
  type NotificationCreatedData,
  type NotificationReplay,
  type NotificationView,
  type OrderCreatedData,
  type OrderStatus,
  type Page,
} from '@plinth/contracts';
import { ATTEMPTS_HEADER, ERROR_HEADER } from '@plinth/messaging';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationConsumers } from '../src/notifications/notification-triggers.handlers.js';
import { waitUntil } from '@plinth/testing';
import { NotificationsTestSystem, type DeadLetter } from './support/notifications-test-system.js';

let harness: NotificationsTestSystem;

beforeAll(async () => {
  harness = await NotificationsTestSystem.start();
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});

const actorOf = (userId: string): Actor => ({ userId, roles: [Roles.USER] });
const send = <T>(pattern: string, payload: object) => harness.rpc.send<T>(pattern, payload);
const list = (userId: string, query: object = {}) => send<Page<NotificationView>>(NotificationsRpc.list, { actor: actorOf(userId), limit: 100, ...query });
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected the RPC to be refused'),
    (reason: unknown) => reason as { code: string; details?: { fieldErrors?: { field: string }[] } },
  );
const notificationCount = async (userId: string) => {
  const [row] = await harness.sql<{ count: string }>('select count(*) from notifications where user_id = ?', [userId]);
  return Number(row?.count);
};

const registered = (userId: string, displayName = 'Ada') =>
  harness.event(AuthEvents.userRegistered, UserRegisteredEvent.VERSION, { userId, email: `${userId}@example.test`, displayName }, 'auth');
const orderCreated = (data: Partial<OrderCreatedData> & { userId: string }) =>
  harness.event<OrderCreatedData>(
    OrdersEvents.orderCreated,
    OrderCreatedEvent.VERSION,
    { orderId: randomUUID(), status: 'pending', currency: 'EUR', total: 4997, items: [{ sku: 'MUG', quantity: 2, unitPrice: 1999 }, { sku: 'PEN', quantity: 1, unitPrice: 999 }], ...data },
    'orders',
  );
const statusChanged = (userId: string, orderId: string, from: OrderStatus, to: OrderStatus, version: number) =>
  harness.event(OrdersEvents.orderStatusChanged, OrderStatusChangedEvent.VERSION, { orderId, userId, from, to, version }, 'orders');

/**
 * The service handles its event queue one at a time (PREFETCH=1) and the outbox relay publishes in
 * commit order: once the sentinel's notification.created is out, everything published before it was
 * handled and announced.
 */
async function afterEarlierEvents(): Promise<void> {
  const sentinel = randomUUID();
  await harness.publish(registered(sentinel));
  await waitUntil(() => harness.createdFor(sentinel).length === 1);
}

describe('notifications from events', () => {
  it('welcomes a registered user and announces the notification', async () => {
    const userId = randomUUID();
    const event = registered(userId, 'Grace');
    await harness.publish(event);
    await waitUntil(() => harness.createdFor(userId).length === 1);

    const { items } = await list(userId);
    expect(items).toEqual([
      { id: expect.any(String), type: 'welcome', title: 'Welcome to Plinth', body: 'Hi Grace, your account is ready.', read: false, createdAt: expect.any(String), data: {} },
    ]);
    const [announced] = harness.createdFor(userId);
    expect(announced).toMatchObject({ type: NotificationsEvents.notificationCreated, version: NotificationCreatedEvent.VERSION, source: 'notifications', correlationId: event.correlationId });
    expect(announced?.data).toStrictEqual({ userId, sequence: 1, notification: items[0] } satisfies NotificationCreatedData);
  });

  it('tells the user an order was received, with units and the formatted total', async () => {
    const userId = randomUUID();
    const event = orderCreated({ userId });
    await harness.publish(event);
    await waitUntil(() => harness.createdFor(userId).length === 1);

    expect((await list(userId)).items).toMatchObject([
      { type: 'order.created', title: 'Order received', body: 'We received your order of 3 items (EUR 49.97).', data: { orderId: event.data.orderId } },
    ]);
  });

  it('creates one notification per status change, cancellation included, titled after the target status', async () => {
    const userId = randomUUID();
    const orderId = randomUUID();
    await harness.publish(statusChanged(userId, orderId, 'pending', 'confirmed', 2));
    await harness.publish(statusChanged(userId, orderId, 'confirmed', 'cancelled', 3));
    await waitUntil(() => harness.createdFor(userId).length === 2);

    const { items } = await list(userId);
    expect(items.map((n) => [n.type, n.title, n.data]).sort()).toEqual(
      [
        ['order.status-changed', 'Order cancelled', { orderId, from: 'confirmed', to: 'cancelled' }],
        ['order.status-changed', 'Order confirmed', { orderId, from: 'pending', to: 'confirmed' }],
      ].sort(),
    );
  });

  it('stores and announces exactly one notification when the same event is delivered twice', async () => {
    const userId = randomUUID();
    const event = orderCreated({ userId });
    await harness.publish(event);
    await harness.publish(event);
    await afterEarlierEvents();

    expect(await notificationCount(userId)).toBe(1);
    expect(harness.createdFor(userId)).toHaveLength(1);
    expect(await harness.sql('select consumer from inbox_message where message_id = ?', [event.id])).toEqual([
      { consumer: NotificationConsumers.orderReceived },
    ]);
  });

  it('dead-letters an event that fails validation at once, stores nothing and keeps consuming', async () => {
    const userId = randomUUID();
    const bad = orderCreated({ userId, total: -1 });
    await harness.publish(bad);
    await afterEarlierEvents();

    let deadLetters: DeadLetter[] = [];
    await waitUntil(async () => (deadLetters = await harness.drainDeadLetters()).length > 0);
    expect(deadLetters.map((letter) => letter.body.id)).toEqual([bad.id]);
    const [letter] = deadLetters;
    expect(letter?.headers[ATTEMPTS_HEADER]).toBe(1);
    expect(String(letter?.headers[ERROR_HEADER])).toMatch(/^invalid event/);
    expect(await notificationCount(userId)).toBe(0);
  });
});

describe('notifications.list', () => {
  // Seeded rows bypass the service, so they take their stream sequence from a counter (unique per user is all the schema asks).
  let seededSequence = 0;
  const insert = (userId: string, createdAt: Date, read = false) => {
    const id = randomUUID();
    return harness
      .sql(
        `insert into notifications (id, user_id, sequence, type, title, body, data, read, created_at) values (?, ?, ?, 'welcome', 'Seeded', 'Seeded', '{}', ?, ?)`,
        [id, userId, ++seededSequence, read, createdAt],
      )
      .then(() => ({ id, createdAt, read }));
  };
  const newestFirst = (rows: { id: string; createdAt: Date }[]) =>
    [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((row) => row.id);
  const walk = async (userId: string, query: object) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(userId, { ...query, limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((n) => n.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return seen;
  };

  it('shows only the actor\'s own notifications', async () => {
    const owner = randomUUID();
    const other = randomUUID();
    const mine = await insert(owner, new Date());
    await insert(other, new Date());
    expect((await list(owner)).items.map((n) => n.id)).toEqual([mine.id]);
  });

  it('pages newest first without gaps or duplicates, ties on createdAt included, while new ones arrive', async () => {
    const userId = randomUUID();
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const seeded = [];
    for (let index = 0; index < 8; index++) seeded.push(await insert(userId, new Date(base + Math.floor(index / 2) * 1000)));

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(userId, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((n) => n.id));
      cursor = page.nextCursor ?? undefined;
      await insert(userId, new Date());
    } while (cursor);

    expect(seen).toEqual(newestFirst(seeded));
  });

  it('filters unread (and read) notifications, paging within the filter', async () => {
    const userId = randomUUID();
    const base = Date.parse('2026-02-01T00:00:00.000Z');
    const seeded = [];
    for (let index = 0; index < 7; index++) seeded.push(await insert(userId, new Date(base + index * 1000), index % 3 === 0));

    expect(await walk(userId, { unread: true })).toEqual(newestFirst(seeded.filter((row) => !row.read)));
    expect(await walk(userId, { unread: false })).toEqual(newestFirst(seeded.filter((row) => row.read)));
    expect(await walk(userId, {})).toEqual(newestFirst(seeded));
  });

  it.each([
    ['not base64url', 'garbage!'],
    ['an id that is not a UUID', Buffer.from('2026-01-01T00:00:00.000Z|nope').toString('base64url')],
    ['a timestamp of year 0000', Buffer.from(`0000-01-01T00:00:00.000Z|${randomUUID()}`).toString('base64url')],
  ])('refuses a cursor it did not issue (%s) with COMMON.INVALID_CURSOR', async (_case, cursor) => {
    const error = await rejection(list(randomUUID(), { cursor }));
    expect(error.code).toBe(ErrorCodes.INVALID_CURSOR);
  });
});

describe('requests without an actor', () => {
  it.each([NotificationsRpc.list, NotificationsRpc.markRead])('%s refuses them: unauthenticated without a token, a field error on actor with one', async (pattern) => {
    const payload = { notificationId: randomUUID() };
    expect((await rejection(send(pattern, payload))).code).toBe(ErrorCodes.UNAUTHENTICATED);
    const error = await rejection(harness.rpc.send(pattern, payload, { headers: await harness.rpc.headersFor(actorOf(randomUUID())) }));
    expect(error.code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect(error.details?.fieldErrors?.map((fieldError) => fieldError.field)).toContain('actor');
  });
});

describe('notifications.mark-read', () => {
  const welcomeOf = async (userId: string) => {
    await harness.publish(registered(userId));
    await waitUntil(() => harness.createdFor(userId).length === 1);
    const [announced] = harness.createdFor(userId);
    return (announced?.data as NotificationCreatedData).notification;
  };
  const markRead = (userId: string, notificationId: string) =>
    send<NotificationView>(NotificationsRpc.markRead, { actor: actorOf(userId), notificationId });

  it('marks the actor\'s own notification read, idempotently, and the unread filter drops it', async () => {
    const userId = randomUUID();
    const welcome = await welcomeOf(userId);

    const first = await markRead(userId, welcome.id);
    expect(first).toStrictEqual({ ...welcome, read: true });
    expect(await markRead(userId, welcome.id)).toStrictEqual(first);
    expect((await list(userId, { unread: true })).items).toEqual([]);
  });

  it('answers NOTIFICATIONS.NOT_FOUND for someone else\'s notification and leaves it unread', async () => {
    const owner = randomUUID();
    const welcome = await welcomeOf(owner);

    const error = await rejection(markRead(randomUUID(), welcome.id));
    expect(error.code).toBe(ErrorCodes.NOTIFICATIONS_NOT_FOUND);
    expect((await list(owner, { unread: true })).items.map((n) => n.id)).toEqual([welcome.id]);
  });

  it('answers NOTIFICATIONS.NOT_FOUND for a notification that does not exist', async () => {
    const error = await rejection(markRead(randomUUID(), randomUUID()));
    expect(error.code).toBe(ErrorCodes.NOTIFICATIONS_NOT_FOUND);
  });
});

describe('stream replay', () => {
  const replay = (userId: string, afterSequence?: number) =>
    send<NotificationReplay>(NotificationsStreamRpc.replay, { actor: actorOf(userId), afterSequence, limit: 10 });

  it('numbers a user\'s notifications 1, 2, 3 and replays, oldest first, exactly those after a sequence', async () => {
    const userId = randomUUID();
    for (let i = 0; i < 3; i++) await harness.publish(orderCreated({ userId }));
    await waitUntil(() => harness.createdFor(userId).length === 3);
    const announced = harness.createdFor(userId).map((event) => event.data as NotificationCreatedData);
    expect(announced.map((data) => data.sequence).sort()).toEqual([1, 2, 3]);

    const { items, latestSequence } = await replay(userId, 1);
    const bySequence = new Map(announced.map((data) => [data.sequence, data.notification]));
    expect(items).toEqual([
      { sequence: 2, notification: bySequence.get(2) },
      { sequence: 3, notification: bySequence.get(3) },
    ]);
    expect(latestSequence).toBe(3);
    expect(await replay(userId, 3)).toEqual({ items: [], latestSequence: 3 });
    expect(await replay(userId, 7)).toEqual({ items: [], latestSequence: 3 });
  });

  it('answers only the latest sequence when no sequence is given', async () => {
    const userId = randomUUID();
    await harness.publish(orderCreated({ userId }));
    await waitUntil(() => harness.createdFor(userId).length === 1);
    expect(await replay(userId)).toEqual({ items: [], latestSequence: 1 });
    expect(await replay(randomUUID())).toEqual({ items: [], latestSequence: 0 });
  });

  it('never replays another user\'s notifications', async () => {
    const owner = randomUUID();
    await harness.publish(orderCreated({ userId: owner }));
    await waitUntil(() => harness.createdFor(owner).length === 1);
    expect(await replay(randomUUID(), 0)).toEqual({ items: [], latestSequence: 0 });
  });
});

