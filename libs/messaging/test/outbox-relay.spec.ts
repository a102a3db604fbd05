// The relay's database protocol on real PostgreSQL, with a scripted publisher standing in for the broker.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventEnvelope } from '@plinth/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_OUTBOX_RELAY_OPTIONS,
  Outbox,
  OutboxRelay,
  type OutboxRelayOptions,
  type RelayPublisher,
} from '../src/outbox/index.js';
import { createTestDatabase, initMigratedOrm, testEvent, waitFor } from './outbox-inbox.test-support.js';

interface PublishCall {
  ids: string[];
  headers: Record<string, string>;
}

class ScriptedPublisher implements RelayPublisher {
  readonly calls: PublishCall[] = [];
  failWith?: Error;
  delayMs = 0;

  async publish(events: EventEnvelope[], options: { headers: Record<string, string> }): Promise<void> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failWith) throw this.failWith;
    this.calls.push({ ids: events.map((event) => event.id), headers: options.headers });
  }

  get publishedIds(): string[] {
    return this.calls.flatMap((call) => call.ids);
  }
}

interface OutboxRow {
  id: string;
  sent_at: string | null;
  attempts: number;
  last_error: string | null;
}

describe('OutboxRelay', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  const relays: OutboxRelay[] = [];

  const startRelay = (publisher: RelayPublisher, options: Partial<OutboxRelayOptions> = {}): OutboxRelay => {
    const relay = new OutboxRelay(orm, publisher, { ...DEFAULT_OUTBOX_RELAY_OPTIONS, pollIntervalMs: 50, ...options });
    relays.push(relay);
    relay.start();
    return relay;
  };

  const commitEvents = async (outbox: Outbox, events: EventEnvelope[], headers?: Record<string, string>): Promise<void> => {
    await orm.em.fork().transactional(async (em) => outbox.add(em, events, { headers }));
    outbox.notifyCommitted();
  };

  const rows = (): Promise<OutboxRow[]> =>
    orm.em.fork().execute<OutboxRow[]>('select id, sent_at, attempts, last_error from outbox_message order by created_at, id');

  beforeAll(async () => {
    database = await createTestDatabase('outbox_relay');
    orm = await initMigratedOrm(database.url);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await orm.em.fork().execute('delete from outbox_message');
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('publishes committed rows once, in created order, and marks them sent', async () => {
    const publisher = new ScriptedPublisher();
    const outbox = new Outbox(startRelay(publisher));
    const events = [testEvent(), testEvent(), testEvent()];

    await commitEvents(outbox, events);
    await waitFor(async () => ((await rows()).every((row) => row.sent_at) ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200)); // a few more polls: nothing is re-published

    expect(publisher.publishedIds).toEqual(events.map((event) => event.id));
    expect((await rows()).map((row) => row.attempts)).toEqual([1, 1, 1]);
  });

  it('publishes the stored envelope unchanged', async () => {
    const published: EventEnvelope[] = [];
    const outbox = new Outbox(startRelay({ publish: async (events) => void published.push(...events) }));
    const event = testEvent('orders.order.status-changed', { orderId: 'o-1', nested: { list: [1, 2] } });

    await commitEvents(outbox, [event]);
    await waitFor(() => (published.length ? true : undefined));

    expect(published).toEqual([event]);
  });

  it('writes nothing when the transaction rolls back', async () => {
    const publisher = new ScriptedPublisher();
    const outbox = new Outbox(startRelay(publisher));

    const rollback = orm.em.fork().transactional(async (em) => {
      outbox.add(em, testEvent());
      await em.flush();
      throw new Error('state change rejected');
    });
    await expect(rollback).rejects.toThrow('state change rejected');
    outbox.notifyCommitted();
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(await rows()).toEqual([]);
    expect(publisher.calls).toEqual([]);
  });

  it('sends each row with the headers given to add(), one publish per run of equal headers', async () => {
    const publisher = new ScriptedPublisher();
    const relay = new OutboxRelay(orm, publisher, { ...DEFAULT_OUTBOX_RELAY_OPTIONS, pollIntervalMs: 60_000 });
    const outbox = new Outbox(relay);
    const traceA = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const traceB = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'vendor=x' };
    const [a1, a2, b1, none] = [testEvent(), testEvent(), testEvent(), testEvent()];
    await commitEvents(outbox, [a1, a2], traceA);
    await commitEvents(outbox, [b1], traceB);
    await commitEvents(outbox, [none]);

    relays.push(relay);
    relay.start();
    await waitFor(() => (publisher.calls.length === 3 ? true : undefined));

    expect(publisher.calls).toEqual([
      { ids: [a1.id, a2.id], headers: traceA },
      { ids: [b1.id], headers: traceB },
      { ids: [none.id], headers: {} },
    ]);
  });

  it('wakes on notifyCommitted() instead of waiting for the next poll', async () => {
    const publisher = new ScriptedPublisher();
    const outbox = new Outbox(startRelay(publisher, { pollIntervalMs: 60_000 }));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the relay is asleep now
    const event = testEvent();
    const committedAt = Date.now();

    await commitEvents(outbox, [event]);
    await waitFor(() => (publisher.calls.length ? true : undefined));

    expect(publisher.publishedIds).toEqual([event.id]);
    expect(Date.now() - committedAt).toBeLessThan(5_000); // far below the 60 s poll interval
  });

  it('keeps failed rows with attempts and last error, backs off, and sends them once the broker is back', async () => {
    const publisher = new ScriptedPublisher();
    publisher.failWith = new Error('broker unavailable');
    const outbox = new Outbox(startRelay(publisher, { retryDelay: { initialMs: 20, maxMs: 80 } }));
    const event = testEvent();

    await commitEvents(outbox, [event]);
    const failing = await waitFor(async () => {
      const [row] = await rows();
      return row && row.attempts >= 3 ? row : undefined;
    });
    expect(failing).toMatchObject({ id: event.id, sent_at: null, last_error: 'broker unavailable' });

    publisher.failWith = undefined;
    const sent = await waitFor(async () => {
      const [row] = await rows();
      return row?.sent_at ? row : undefined;
    });

    expect(publisher.publishedIds).toEqual([event.id]);
    expect(sent.attempts).toBeGreaterThan(failing.attempts);
  });

  it('counts an unconfirmed publish as failed after the publish timeout', async () => {
    const publisher = new ScriptedPublisher();
    publisher.delayMs = 1_000;
    startRelay(publisher, { publishTimeoutMs: 100, retryDelay: { initialMs: 5_000, maxMs: 5_000 } });
    const outbox = new Outbox(relays[0]);

    await commitEvents(outbox, [testEvent()]);
    const [row] = await waitFor(async () => {
      const current = await rows();
      return current[0]?.attempts === 1 ? current : undefined;
    });

    expect(row).toMatchObject({ sent_at: null, last_error: 'publish not confirmed within 100 ms' });
  });

  it('never lets two relays publish the same row', async () => {
    const publisherA = new ScriptedPublisher();
    const publisherB = new ScriptedPublisher();
    publisherA.delayMs = publisherB.delayMs = 10; // holds each batch's row locks while the other relay polls
    const events = Array.from({ length: 300 }, () => testEvent());
    const outbox = new Outbox(new OutboxRelay(orm, publisherA, DEFAULT_OUTBOX_RELAY_OPTIONS));
    for (let i = 0; i < events.length; i += 30) await commitEvents(outbox, events.slice(i, i + 30));

    startRelay(publisherA, { batchSize: 10 });
    startRelay(publisherB, { batchSize: 10 });
    await waitFor(async () => ((await rows()).every((row) => row.sent_at) ? true : undefined));

    const published = [...publisherA.publishedIds, ...publisherB.publishedIds];
    expect(published).toHaveLength(events.length);
    expect(new Set(published).size).toBe(events.length);
    expect(publisherA.calls.length).toBeGreaterThan(0);
    expect(publisherB.calls.length).toBeGreaterThan(0);
  });

  it('lets the batch in flight finish when stopped', async () => {
    const publisher = new ScriptedPublisher();
    publisher.delayMs = 300;
    const relay = startRelay(publisher);
    const event = testEvent();

    await commitEvents(new Outbox(relay), [event]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the publish is in flight
    await relay.stop();

    expect(publisher.publishedIds).toEqual([event.id]);
    expect((await rows())[0].sent_at).not.toBeNull();
  });

  describe('fast path (rows handed over after commit)', () => {
    const commitAndHandOver = async (outbox: Outbox, events: EventEnvelope[]): Promise<void> => {
      const written = await orm.em.fork().transactional(async (em) => outbox.add(em, events));
      outbox.notifyCommitted(written);
    };
    const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

    it('publishes them at once, in order, without waiting for a poll, and marks them sent', async () => {
      const publisher = new ScriptedPublisher();
      const outbox = new Outbox(startRelay(publisher, { pollIntervalMs: 60_000 }));
      await settle(); // the start-up sweep is done; the poller sleeps for a minute
      const events = [testEvent(), testEvent(), testEvent()];

      await commitAndHandOver(outbox, events.slice(0, 2));
      await commitAndHandOver(outbox, events.slice(2));
      await waitFor(async () => ((await rows()).every((row) => row.sent_at) ? true : undefined));

      expect(publisher.publishedIds).toEqual(events.map((event) => event.id));
      expect((await rows()).map((row) => row.attempts)).toEqual([1, 1, 1]);
    });

    it('marks what it published in one UPDATE per delay window, not one per commit', async () => {
      const publisher = new ScriptedPublisher();
      const outbox = new Outbox(startRelay(publisher, { pollIntervalMs: 60_000, markSentDelayMs: 300 }));
      await settle();
      const execute = vi.spyOn(orm.em.getConnection(), 'execute');
      const events = Array.from({ length: 6 }, () => testEvent());

      for (const event of events) await commitAndHandOver(outbox, [event]);
      await waitFor(async () => ((await rows()).every((row) => row.sent_at) ? true : undefined));
      const marks = execute.mock.calls.filter(([sql]) => String(sql).startsWith('update "outbox_message" set "sent_at"'));
      execute.mockRestore();

      expect(publisher.publishedIds).toEqual(events.map((event) => event.id));
      expect(marks).toHaveLength(1);
    });

    it('leaves fresh rows nobody handed over to their writer until the grace has passed, then polls them', async () => {
      const publisher = new ScriptedPublisher();
      const outbox = new Outbox(startRelay(publisher, { pollIntervalMs: 50, handOverGraceMs: 60_000 }));
      await settle();
      const event = testEvent();
      await orm.em.fork().transactional(async (em) => outbox.add(em, [event])); // committed, never handed over

      await settle(300); // several polls
      expect(publisher.calls).toEqual([]);

      await orm.em.fork().execute(`update outbox_message set created_at = now() - interval '2 minutes' where id = ?`, [event.id]);
      await waitFor(() => (publisher.calls.length ? true : undefined));
      expect(publisher.publishedIds).toEqual([event.id]);
    });

    it('hands rows the broker refused back to the poller, which sends each exactly once when the broker is back', async () => {
      const publisher = new ScriptedPublisher();
      publisher.failWith = new Error('broker unavailable');
      const outbox = new Outbox(startRelay(publisher, { pollIntervalMs: 60_000, retryDelay: { initialMs: 20, maxMs: 80 } }));
      await settle();
      const events = [testEvent(), testEvent()];

      await commitAndHandOver(outbox, events);
      await waitFor(async () => ((await rows()).every((row) => row.attempts >= 2) ? true : undefined));
      expect((await rows()).map(({ sent_at, last_error }) => ({ sent_at, last_error }))).toEqual([
        { sent_at: null, last_error: 'broker unavailable' },
        { sent_at: null, last_error: 'broker unavailable' },
      ]);

      publisher.failWith = undefined;
      await waitFor(async () => ((await rows()).every((row) => row.sent_at) ? true : undefined));
      await settle(200);
      expect(publisher.publishedIds).toEqual(events.map((event) => event.id));
    });

    it('finishes publishing and marking the rows already handed over when stopped', async () => {
      const publisher = new ScriptedPublisher();
      publisher.delayMs = 300;
      const relay = startRelay(publisher, { pollIntervalMs: 60_000 });
      await settle();
      const event = testEvent();

      await commitAndHandOver(new Outbox(relay), [event]);
      await relay.stop();

      expect(publisher.publishedIds).toEqual([event.id]);
      expect((await rows())[0].sent_at).not.toBeNull();
    });
  });
});
