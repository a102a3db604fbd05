// Outbox → relay → real RabbitMQ (own vhost, reached through a proxy the test can cut) → a test consumer.
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MikroORM as CoreMikroORM } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventEnvelope } from '@plinth/contracts';
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AmqpConnection, MessagingModule, Outbox, OutboxInboxModule } from '../src/index.js';
import {
  createTestDatabase,
  createTestVhost,
  CuttableBrokerProxy,
  initMigratedOrm,
  testEvent,
  waitFor,
} from './outbox-inbox.test-support.js';

interface Received {
  envelope: EventEnvelope;
  routingKey: string;
  messageId: string;
  persistent: boolean;
  headers: Record<string, unknown>;
}

interface OutboxRow {
  id: string;
  sent_at: string | null;
  attempts: number;
  last_error: string | null;
}

describe('Outbox relay on RabbitMQ', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let vhost: Awaited<ReturnType<typeof createTestVhost>>;
  let orm: MikroORM;
  const proxy = new CuttableBrokerProxy();
  let consumerConnection: ChannelModel;
  const received: Received[] = [];
  const apps: INestApplicationContext[] = [];

  /** One service replica: MessagingModule through the proxy, the ORM, and the outbox with a fast relay. */
  async function startReplica(): Promise<INestApplicationContext> {
    @Global()
    @Module({ providers: [{ provide: CoreMikroORM, useValue: orm }], exports: [CoreMikroORM] })
    class TestOrmModule {}

    const app = await Test.createTestingModule({
      imports: [
        TestOrmModule,
        MessagingModule.forRoot({ serviceName: 'orders', url: proxy.urlFor(vhost.vhost) }),
        OutboxInboxModule.forRoot({ pollIntervalMs: 100, retryDelay: { initialMs: 50, maxMs: 400 }, publishTimeoutMs: 2_000 }),
      ],
    }).compile();
    await app.init();
    apps.push(app);
    return app;
  }

  const rows = (): Promise<OutboxRow[]> =>
    orm.em.fork().execute<OutboxRow[]>('select id, sent_at, attempts, last_error from outbox_message order by created_at, id');
  const receivedIds = (): string[] => received.map((message) => message.envelope.id);
  const settle = (ms = 400): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    [database, vhost] = await Promise.all([createTestDatabase('outbox_broker'), createTestVhost('outbox_broker')]);
    await proxy.start();
    orm = await initMigratedOrm(database.url);
    await orm.em.fork().execute('create table placed_order (id uuid primary key)');
    await startReplica(); // asserts the topology, so the exchange exists for the consumer below

    consumerConnection = await connect(vhost.url);
    const channel = await consumerConnection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'plinth.events', '#');
    await channel.consume(queue, (message) => {
      if (!message) return;
      received.push({
        envelope: JSON.parse(message.content.toString()) as EventEnvelope,
        routingKey: message.fields.routingKey,
        messageId: message.properties.messageId as string,
        persistent: message.properties.deliveryMode === 2,
        headers: message.properties.headers ?? {},
      });
    }, { noAck: true });
  });

  afterEach(async () => {
    await proxy.restore();
    await Promise.all(apps.splice(1).map((app) => app.close()));
    received.splice(0);
    await orm.em.fork().execute('truncate outbox_message, placed_order');
  });

  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await consumerConnection?.close();
    await proxy.stop();
    await orm?.close(true);
    await Promise.all([database?.drop(), vhost?.drop()]);
  });

  const placeOrder = async (events: EventEnvelope[], headers?: Record<string, string>): Promise<void> => {
    const outbox = apps[0].get(Outbox);
    await orm.em.fork().transactional(async (em) => {
      await em.execute('insert into placed_order (id) values (?)', [events[0].id]);
      outbox.add(em, events, { headers });
    });
    outbox.notifyCommitted();
  };

  it('publishes events committed with a state change exactly once, confirmed, and marks them sent', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const events = [testEvent('orders.order.created', { orderId: 'o-1' }), testEvent('orders.order.status-changed')];

    await placeOrder(events, { traceparent });
    await waitFor(async () => ((await rows()).every((row) => row.sent_at) ? true : undefined));
    await waitFor(() => (received.length === 2 ? true : undefined));
    await settle();

    expect(received).toEqual(events.map((event) => ({
      envelope: event,
      routingKey: event.type,
      messageId: event.id,
      persistent: true,
      headers: expect.objectContaining({ traceparent }),
    })));
    expect((await rows()).map((row) => row.attempts)).toEqual([1, 1]);
  });

  it('publishes nothing for a rolled-back transaction', async () => {
    const outbox = apps[0].get(Outbox);
    const event = testEvent();

    const rollback = orm.em.fork().transactional(async (em) => {
      await em.execute('insert into placed_order (id) values (?)', [event.id]);
      outbox.add(em, event);
      await em.flush();
      throw new Error('payment declined');
    });
    await expect(rollback).rejects.toThrow('payment declined');
    outbox.notifyCommitted();
    await settle();

    expect(await rows()).toEqual([]);
    expect(received).toEqual([]);
  });

  it('delivers events committed while the broker is unreachable once it is back', async () => {
    const connection = apps[0].get(AmqpConnection);
    await proxy.cut();
    await waitFor(() => (connection.isConnected() ? undefined : true));
    const events = [testEvent(), testEvent()];

    await placeOrder(events);
    const failing = await waitFor(async () => {
      const current = await rows();
      return current.every((row) => row.attempts >= 2) ? current : undefined;
    });
    expect(failing.every((row) => row.sent_at === null && row.last_error !== null)).toBe(true);
    expect(received).toEqual([]);

    await proxy.restore();
    await waitFor(async () => ((await rows()).every((row) => row.sent_at) ? true : undefined), 20_000);
    await waitFor(() => (received.length >= 2 ? true : undefined));
    await settle();

    expect(receivedIds()).toEqual(events.map((event) => event.id));
  });

  it('never publishes a row twice when two replicas relay the same outbox', async () => {
    await startReplica();
    const events = Array.from({ length: 200 }, () => testEvent());

    for (let i = 0; i < events.length; i += 20) await placeOrder(events.slice(i, i + 20));
    await waitFor(async () => ((await rows()).every((row) => row.sent_at) ? true : undefined), 20_000);
    await waitFor(() => (received.length >= events.length ? true : undefined));
    await settle();

    expect(receivedIds().sort()).toEqual(events.map((event) => event.id).sort());
  });
});
