import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import amqp, { type ChannelModel } from 'amqplib';
import { declareTopology, defaultTopology, ERROR_HEADER, ROUTING_KEY_HEADER } from '@plinth/messaging';
import { createTestVhost, type TestVhost } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM tool without type declarations
import { discardDeadLetters, listDeadLetters, peekDeadLetters, redriveDeadLetters, resolveDeadLetterQueue } from './dead-letters.mjs';

const root = join(import.meta.dirname, '..', '..');
const DLQ = 'notifications.events.dlq';
const DLQ_USERS = 'users.events.dlq';

describe('tools/dlq against a real broker (own vhost)', () => {
  let vhost: TestVhost;
  let broker: ChannelModel;

  beforeAll(async () => {
    vhost = await createTestVhost('dlq');
    broker = await amqp.connect(vhost.url);
    const channel = await broker.createChannel();
    const { exchanges, queues, bindings } = declareTopology(defaultTopology(), { retryDelaysMs: [1000], retryQueuesFor: 'all' });
    for (const exchange of exchanges) await channel.assertExchange(exchange.name, exchange.type, { durable: true });
    for (const queue of queues) await channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments });
    for (const binding of bindings) await channel.bindQueue(binding.queue, binding.exchange, binding.routingKey);
    for (const n of [1, 2, 3]) {
      channel.sendToQueue(DLQ, Buffer.from(JSON.stringify({ id: `00000000-0000-7000-8000-00000000000${n}`, type: 'orders.order.created', n })), {
        persistent: true,
        messageId: `m${n}`,
        type: 'orders.order.created',
        headers: { [ERROR_HEADER]: `invalid event: case ${n}`, 'x-plinth-attempts': 5, 'x-plinth-attempt': 5, [ROUTING_KEY_HEADER]: 'orders.order.created' },
      });
    }
    await channel.close();
  });

  afterAll(async () => {
    await broker?.close();
    await vhost?.drop();
  });

  it('lists every service DLQ with its depth', async () => {
    const rows = await listDeadLetters(vhost.url);
    expect(rows).toContainEqual({ queue: DLQ, messages: 3, consumers: 0 });
    expect(rows.map((row: { queue: string }) => row.queue)).toContain('users.events.dlq');
  });

  it('peeks without taking: reason, attempts and body shown, messages stay', async () => {
    const peeked = await peekDeadLetters(vhost.url, DLQ, { limit: 2 });
    expect(peeked).toHaveLength(2);
    expect(peeked[0]).toMatchObject({ messageId: 'm1', type: 'orders.order.created', error: 'invalid event: case 1', attempts: 5 });
    expect((await listDeadLetters(vhost.url)).find((row: { queue: string }) => row.queue === DLQ).messages).toBe(3);
  });

  it('re-drives to the service queue with a fresh attempt budget, oldest first, up to --limit', async () => {
    expect(await redriveDeadLetters(vhost.url, DLQ, { limit: 2 })).toEqual({ from: DLQ, to: 'notifications.events', moved: 2 });
    const channel = await broker.createChannel();
    const first = await channel.get('notifications.events', { noAck: true });
    expect(first && JSON.parse(first.content.toString()).n).toBe(1);
    // x-delivery-count is the quorum queue's own; the error and attempt headers are gone.
    expect(first && first.properties.headers).toEqual({ [ROUTING_KEY_HEADER]: 'orders.order.created', 'x-delivery-count': 0 });
    expect(first && first.properties).toMatchObject({ messageId: 'm1', type: 'orders.order.created', deliveryMode: 2 });
    expect((await channel.checkQueue(DLQ)).messageCount).toBe(1);
    await channel.close();
  });

  it('discards up to --limit messages for good and returns each in full, so nothing goes unrecorded', async () => {
    const channel = await broker.createChannel();
    for (const n of [7, 8]) {
      channel.sendToQueue(DLQ_USERS, Buffer.from(`not json ${n}`), { persistent: true, messageId: `p${n}`, headers: { [ERROR_HEADER]: 'malformed JSON' } });
    }
    await channel.close();
    const [first] = await discardDeadLetters(vhost.url, DLQ_USERS, { limit: 1 });
    expect(first).toMatchObject({ messageId: 'p7', error: 'malformed JSON', body: 'not json 7', headers: { [ERROR_HEADER]: 'malformed JSON' } });
    expect((await listDeadLetters(vhost.url)).find((row: { queue: string }) => row.queue === DLQ_USERS).messages).toBe(1);
    expect(await discardDeadLetters(vhost.url, DLQ_USERS)).toHaveLength(1);
    expect((await listDeadLetters(vhost.url)).find((row: { queue: string }) => row.queue === DLQ_USERS).messages).toBe(0);
  });

  it('accepts a service name and refuses unknown queues', () => {
    expect(resolveDeadLetterQueue('notifications')).toBe(DLQ);
    expect(() => resolveDeadLetterQueue('orders.rpc')).toThrow(/unknown dead-letter queue/);
  });

  it('works as a command (list, peek --json, usage errors)', async () => {
    const run = promisify(execFile);
    const node = join(root, 'node_modules', '.bin', 'node');
    const env = { ...process.env, RABBITMQ_URL: vhost.url };
    const list = await run(node, ['tools/dlq/dlq.mjs', 'list'], { cwd: root, env });
    expect(list.stdout, list.stdout).toMatch(/^notifications\.events\.dlq\t1 messages\t0 consumers$/m);
    const peek = await run(node, ['tools/dlq/dlq.mjs', 'peek', 'notifications', '--json'], { cwd: root, env });
    expect(JSON.parse(peek.stdout)[0]).toMatchObject({ error: 'invalid event: case 3' });
    await expect(run(node, ['tools/dlq/dlq.mjs', 'redrive', 'nope'], { cwd: root, env })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/unknown dead-letter queue/) });
  });
});
