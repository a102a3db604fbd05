import { OrdersRpc, Roles, type Actor, type CreateOrderResult } from '@plinth/contracts';
import { createEvent } from '@plinth/messaging';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrdersTestSystem } from './support/orders-test-system.js';

// The built orders service with its pruner running every second; retention settings at their defaults
// (idempotency keys 24 h, sent outbox rows 24 h, inbox records 168 h).
let harness: OrdersTestSystem;

beforeAll(async () => {
  harness = await OrdersTestSystem.start({ env: { PRUNE_INTERVAL_SECONDS: '1', PRUNE_BATCH_SIZE: '2' } });
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});

const customer = (): Actor => ({ userId: randomUUID(), roles: [Roles.USER] });
const body = { currency: 'EUR', items: [{ sku: 'ITEM-1', quantity: 1, unitPrice: 100 }] };

async function spendKey(actor: Actor, key: string, age: string): Promise<string> {
  const { order } = await harness.rpc.send<CreateOrderResult>(OrdersRpc.create, { ...body, actor, idempotencyKey: key });
  await harness.sql(`update order_idempotency_keys set created_at = now() - ?::interval where user_id = ? and key = ?`, [age, actor.userId, key]);
  return order.id;
}

async function outboxRow(sentAgo: string | null, createdAgo: string): Promise<string> {
  const event = createEvent('retention.test', 1, {}, { source: 'retention-spec' });
  await harness.sql(
    `insert into outbox_message (id, type, payload, headers, created_at, sent_at)
     values (?, ?, ?::jsonb, '{}'::jsonb, now() - ?::interval, case when ?::interval is null then null else now() - ?::interval end)`,
    [event.id, event.type, JSON.stringify(event), createdAgo, sentAgo, sentAgo],
  );
  return event.id;
}

async function inboxRow(processedAgo: string): Promise<string> {
  const id = randomUUID();
  await harness.sql(`insert into inbox_message (message_id, consumer, processed_at) values (?, 'retention-spec', now() - ?::interval)`, [id, processedAgo]);
  return id;
}

const present = async (table: string, column: string, ids: string[]): Promise<string[]> =>
  (await harness.sql<{ id: string }>(`select ${column}::text as id from ${table} where ${column} in (?)`, [ids])).map((row) => row.id).sort();

async function prunedCounter(table: string): Promise<number> {
  const text = await (await fetch(`${harness.system.urlOf('orders')}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('db_rows_pruned_total{') && l.includes(`table="${table}"`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('data retention in a running service', () => {
  it('deletes expired idempotency keys, sent outbox rows and inbox records in batches, keeps fresh and unsent ones, and counts them', async () => {
    const actor = customer();
    const expiredKeys = ['k-old-1', 'k-old-2', 'k-old-3'];
    for (const key of expiredKeys) await spendKey(actor, key, '25 hours');
    await spendKey(actor, 'k-fresh', '23 hours');
    const oldSent = [await outboxRow('25 hours', '25 hours'), await outboxRow('30 hours', '30 hours'), await outboxRow('2 days', '2 days')];
    const keptOutbox = [await outboxRow('1 hour', '1 hour')];
    const oldInbox = [await inboxRow('8 days'), await inboxRow('169 hours'), await inboxRow('30 days')];
    const freshInbox = [await inboxRow('6 days')];

    await expect.poll(async () => (await harness.sql(`select 1 from order_idempotency_keys where user_id = ? and key like 'k-old-%'`, [actor.userId])).length, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => present('outbox_message', 'id', oldSent), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => present('inbox_message', 'message_id', oldInbox), { timeout: 10_000 }).toEqual([]);

    const keys = await harness.sql<{ key: string }>(`select key from order_idempotency_keys where user_id = ?`, [actor.userId]);
    expect(keys.map((row) => row.key)).toEqual(['k-fresh']);
    expect(await present('outbox_message', 'id', keptOutbox)).toEqual(keptOutbox);
    expect(await present('inbox_message', 'message_id', freshInbox)).toEqual(freshInbox);
    // Three rows each with PRUNE_BATCH_SIZE=2: more than one batch per table.
    expect(await prunedCounter('order_idempotency_keys')).toBeGreaterThanOrEqual(3);
    expect(await prunedCounter('outbox_message')).toBeGreaterThanOrEqual(3);
    expect(await prunedCounter('inbox_message')).toBeGreaterThanOrEqual(3);
  });

  it('keeps the order when its expired key record is pruned', async () => {
    const actor = customer();
    const orderId = await spendKey(actor, 'k-order', '2 days');
    await expect.poll(async () => (await harness.sql(`select 1 from order_idempotency_keys where user_id = ?`, [actor.userId])).length, { timeout: 10_000 }).toBe(0);
    expect(await harness.sql(`select 1 from orders where id = ?`, [orderId])).toHaveLength(1);
  });
});
