import { Inject, Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { EntityManager, QueryResult } from '@mikro-orm/postgresql';
import type { EventEnvelope } from '@plinth/contracts';

// A concurrent duplicate blocks on the primary key until the first delivery commits (then conflicts and skips) or
// rolls back (then inserts and applies it itself).
const RECORD_PROCESSED = `insert into "inbox_message" ("message_id", "consumer", "processed_at") values (?, ?, now())
  on conflict do nothing`;

/** Makes event handlers idempotent under at-least-once delivery: each (event, consumer) is applied at most once. */
@Injectable()
export class Inbox {
  constructor(@Inject(MikroORM) private readonly orm: MikroORM) {}

  /**
   * Runs `work` and records the event in one transaction. Returns false without running `work` when this consumer
   * already applied the event; throws (recording nothing) when `work` throws, so a redelivery applies it.
   */
  /**
   * For a handler whose whole effect fits in ONE statement: a data-modifying CTE body (with its parameters) that
   * records (event, consumer) and returns one row the first time, none for a duplicate. Select the rest of the
   * statement from it, so a duplicate writes nothing: one statement commits atomically, which gives process()'s
   * guarantee without its BEGIN and COMMIT round trips.
   */
  recordOnce(event: EventEnvelope, consumer: string): { sql: string; params: unknown[] } {
    return { sql: `${RECORD_PROCESSED} returning "message_id"`, params: [event.id, consumer] };
  }

  process(event: EventEnvelope, consumer: string, work: (em: EntityManager) => Promise<void>): Promise<boolean> {
    const em = this.orm.em.fork() as EntityManager;
    return em.transactional(async (tx) => {
      const recorded = await tx.execute<QueryResult>(RECORD_PROCESSED, [event.id, consumer], 'run');
      if (recorded.affectedRows === 0) return false;
      await work(tx);
      return true;
    });
  }
}
