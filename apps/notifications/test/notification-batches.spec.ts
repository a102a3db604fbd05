import {
  AuthEvents,
  OrderCreatedEvent,
  OrdersEvents,
  UserRegisteredEvent,
  type EventEnvelope,
  type NotificationCreatedData,
  type OrderCreatedData,
} from '@plinth/contracts';
import { ATTEMPTS_HEADER } from '@plinth/messaging';
import { waitUntil } from '@plinth/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationsTestSystem } from './support/notifications-test-system.js';

// Bursts of events with the production prefetch: deliveries that are ready together are stored by one statement.
let harness: NotificationsTestSystem;

beforeAll(async () => {
  harness = await NotificationsTestSystem.start({ notificationsEnv: { PREFETCH: '32' } });
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});

const orderCreated = (userId: string) =>
  harness.event<OrderCreatedData>(
    OrdersEvents.orderCreated,
    OrderCreatedEvent.VERSION,
    { orderId: randomUUID(), userId, status: 'pending', currency: 'EUR', total: 999, items: [{ sku: 'PEN', quantity: 1, unitPrice: 999 }] },
    'orders',
  );
const registered = (userId: string, displayName: string) =>
  harness.event(AuthEvents.userRegistered, UserRegisteredEvent.VERSION, { userId, email: `${userId}@example.test`, displayName }, 'auth');

const sequencesOf = async (userId: string) =>
  (await harness.sql<{ sequence: number }>('select sequence from notifications where user_id = ? order by sequence', [userId])).map((row) => row.sequence);
/** now() is the transaction's start: events stored by one statement share it. */
const transactionsFor = async (eventIds: string[]) =>
  Number((await harness.sql<{ n: string }>('select count(distinct processed_at) as n from inbox_message where message_id in (?)', [eventIds]))[0]?.n);

describe('batched consumption', () => {
  it('stores a burst for several users in fewer statements than events, each exactly once, sequences 1…n per user', async () => {
    const users = [randomUUID(), randomUUID(), randomUUID()];
    const events = Array.from({ length: 60 }, (_, i) => orderCreated(users[i % users.length] as string));
    await harness.publish(events);
    await waitUntil(() => users.every((userId) => harness.createdFor(userId).length === 20), 30_000);

    for (const userId of users) {
      expect(await sequencesOf(userId)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const announced = harness.createdFor(userId).map((event) => (event.data as NotificationCreatedData).sequence);
      expect(announced.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    }
    expect(await transactionsFor(events.map((event) => event.id))).toBeLessThan(events.length);
  });

  it('applies an event once when its redelivery is in the same burst, or it was applied before', async () => {
    const userId = randomUUID();
    const earlier = orderCreated(userId);
    await harness.publish(earlier);
    await waitUntil(() => harness.createdFor(userId).length === 1);

    const fresh = Array.from({ length: 10 }, () => orderCreated(userId));
    const burst: EventEnvelope[] = [fresh[0] as EventEnvelope, earlier, ...fresh.slice(1, 5), fresh[0] as EventEnvelope, ...fresh.slice(5), earlier];
    await harness.publish(burst);
    await waitUntil(() => harness.createdFor(userId).length >= 11);
    // the sentinel comes after the whole burst on the queue
    const sentinel = orderCreated(userId);
    await harness.publish(sentinel);
    await waitUntil(() => harness.createdFor(userId).length >= 12);

    expect(await sequencesOf(userId)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(harness.createdFor(userId)).toHaveLength(12);
    const inbox = await harness.sql<{ n: string }>('select count(*) as n from inbox_message where message_id in (?)', [[earlier, ...fresh, sentinel].map((event) => event.id)]);
    expect(Number(inbox[0]?.n)).toBe(12);
  });

  it('isolates an event the database refuses: it alone is retried and dead-lettered, its neighbours are stored', async () => {
    const userId = randomUUID();
    const poisonUser = randomUUID();
    // Valid for the contract, refused by the database (a check constraint this test adds for one user, since the
    // contracts now refuse NUL and lone surrogates themselves): the batch statement fails as a whole.
    await harness.sql(`alter table notifications add constraint refuses_poison_user check (user_id <> '${poisonUser}')`);
    const poison = registered(poisonUser, 'Poison Pill');
    const neighbours = Array.from({ length: 8 }, () => orderCreated(userId));
    await harness.publish([...neighbours.slice(0, 4), poison, ...neighbours.slice(4)]);

    await waitUntil(() => harness.createdFor(userId).length === 8, 30_000);
    expect(await sequencesOf(userId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    let deadLetters: Awaited<ReturnType<NotificationsTestSystem['drainDeadLetters']>> = [];
    await waitUntil(async () => (deadLetters = [...deadLetters, ...(await harness.drainDeadLetters())]).length > 0, 30_000);
    expect(deadLetters.map((letter) => letter.body.id)).toEqual([poison.id]);
    expect(Number(deadLetters[0]?.headers[ATTEMPTS_HEADER])).toBeGreaterThan(1);
    expect(await sequencesOf(poisonUser)).toEqual([]);
  });
});
