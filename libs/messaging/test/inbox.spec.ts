// Inbox idempotency on real PostgreSQL: each (event, consumer) changes state exactly once.
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Inbox } from '../src/inbox/index.js';
import { createTestDatabase, initMigratedOrm, testEvent } from './outbox-inbox.test-support.js';

describe('Inbox', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  let inbox: Inbox;

  // The handler's state change: one row per application of an event.
  const applyEffect = (eventId: string) => async (em: Parameters<Parameters<Inbox['process']>[2]>[0]) => {
    await em.execute('insert into applied_effect (event_id) values (?)', [eventId]);
  };
  const effects = async (): Promise<string[]> =>
    (await orm.em.fork().execute<{ event_id: string }[]>('select event_id from applied_effect order by id')).map((row) => row.event_id);
  const inboxRows = (): Promise<{ message_id: string; consumer: string }[]> =>
    orm.em.fork().execute('select message_id, consumer from inbox_message order by consumer');

  beforeAll(async () => {
    database = await createTestDatabase('inbox');
    orm = await initMigratedOrm(database.url);
    await orm.em.fork().execute('create table applied_effect (id serial primary key, event_id uuid not null)');
    inbox = new Inbox(orm);
  });

  beforeEach(async () => {
    await orm.em.fork().execute('truncate applied_effect, inbox_message');
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  it('applies a redelivered event once and reports the duplicate as already processed', async () => {
    const event = testEvent();

    const first = await inbox.process(event, 'notifications', applyEffect(event.id));
    const second = await inbox.process(event, 'notifications', applyEffect(event.id));

    expect([first, second]).toEqual([true, false]);
    expect(await effects()).toEqual([event.id]);
  });

  it('applies concurrent duplicate deliveries once', async () => {
    const event = testEvent();

    const results = await Promise.all(Array.from({ length: 4 }, () => inbox.process(event, 'notifications', applyEffect(event.id))));

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await effects()).toEqual([event.id]);
  });

  it('tracks each consumer separately', async () => {
    const event = testEvent();

    await inbox.process(event, 'notifications', applyEffect(event.id));
    const otherConsumer = await inbox.process(event, 'users', applyEffect(event.id));

    expect(otherConsumer).toBe(true);
    expect(await inboxRows()).toEqual([
      { message_id: event.id, consumer: 'notifications' },
      { message_id: event.id, consumer: 'users' },
    ]);
  });

  it('rolls back the inbox record with failing work, so the retry applies the event', async () => {
    const event = testEvent();
    const failingWork = async (em: Parameters<Parameters<Inbox['process']>[2]>[0]): Promise<void> => {
      await applyEffect(event.id)(em);
      throw new Error('smtp down');
    };

    await expect(inbox.process(event, 'notifications', failingWork)).rejects.toThrow('smtp down');
    expect(await inboxRows()).toEqual([]);
    expect(await effects()).toEqual([]);

    const retried = await inbox.process(event, 'notifications', applyEffect(event.id));

    expect(retried).toBe(true);
    expect(await effects()).toEqual([event.id]);
  });

  it('commits entities persisted by the work together with the inbox record', async () => {
    const event = testEvent();

    await inbox.process(event, 'notifications', async (em) => {
      await em.execute('insert into applied_effect (event_id) values (?)', [event.id]);
    });

    expect(await inboxRows()).toEqual([{ message_id: event.id, consumer: 'notifications' }]);
    expect(await effects()).toEqual([event.id]);
  });

  describe('recordOnce (a handler that is one statement)', () => {
    const applyInOneStatement = async (event: ReturnType<typeof testEvent>, consumer: string): Promise<boolean> => {
      const recordOnce = inbox.recordOnce(event, consumer);
      const rows = await orm.em.fork().execute<{ event_id: string }[]>(
        `with "recorded" as (${recordOnce.sql}) insert into applied_effect (event_id) select "message_id" from "recorded" returning event_id`,
        recordOnce.params,
      );
      return rows.length === 1;
    };

    it('writes the effect the first time only', async () => {
      const event = testEvent();

      expect([await applyInOneStatement(event, 'notifications'), await applyInOneStatement(event, 'notifications')]).toEqual([true, false]);
      expect(await effects()).toEqual([event.id]);
      expect(await inboxRows()).toEqual([{ message_id: event.id, consumer: 'notifications' }]);
    });

    it('writes it once under concurrent duplicate deliveries, and once per consumer', async () => {
      const event = testEvent();

      const results = await Promise.all([...Array.from({ length: 4 }, () => applyInOneStatement(event, 'a')), applyInOneStatement(event, 'b')]);

      expect(results.filter(Boolean)).toHaveLength(2);
      expect(await effects()).toEqual([event.id, event.id]);
    });

    it('records nothing when the rest of the statement fails', async () => {
      const event = testEvent();
      const recordOnce = inbox.recordOnce(event, 'notifications');

      await expect(
        orm.em.fork().execute(`with "recorded" as (${recordOnce.sql}) insert into applied_effect (event_id) select null from "recorded"`, recordOnce.params),
      ).rejects.toThrow();
      expect(await inboxRows()).toEqual([]);
      expect(await applyInOneStatement(event, 'notifications')).toBe(true);
    });
  });
});
