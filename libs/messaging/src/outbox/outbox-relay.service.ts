import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventEnvelope } from '@plinth/contracts';
import { withTraceHeaders } from '../tracing/trace-context.js';
import type { OutboxRelayOptions } from './outbox-relay.options.js';

/** The part of EventPublisher the relay uses: publish a batch, resolve once the broker confirmed all of it. */
export interface RelayPublisher {
  publish(events: EventEnvelope[], options: { headers: Record<string, string> }): Promise<void>;
}

interface UnsentRow {
  id: string;
  payload: EventEnvelope;
  headers: Record<string, string>;
}

interface BatchOutcome {
  locked: number;
  error?: unknown;
}

// Several replicas run this at once: SKIP LOCKED hands each row to exactly one of them, and the lock is held until
// the row is marked sent, so no two relays ever publish the same row.
const LOCK_UNSENT = `select "id", "payload", "headers" from "outbox_message" where "sent_at" is null
  order by "created_at", "id" limit ? for update skip locked`;
const MARK_SENT = `update "outbox_message" set "sent_at" = now(), "attempts" = "attempts" + 1 where "id" in (?)`;
const MARK_FAILED = `update "outbox_message" set "attempts" = "attempts" + 1, "last_error" = ? where "id" in (?)`;
const PRUNE_SENT = `delete from "outbox_message" where "sent_at" < ?`;

/**
 * Moves committed outbox rows to the broker: lock a batch, publish it with confirms, mark it sent — all in one
 * transaction, so a crash at any point leaves the rows unsent (re-published later: at-least-once, never lost).
 */
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wakeRequested = false;
  private interruptSleep?: () => void;
  private consecutiveFailures = 0;
  private lastPruneAt = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly publisher: RelayPublisher,
    private readonly options: OutboxRelayOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  // Module destroy comes before the broker connection and the ORM close, so the batch in flight can still finish.
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops polling; resolves once the batch in progress (if any) has been published and marked, or has failed. */
  async stop(): Promise<void> {
    this.running = false;
    this.interruptSleep?.();
    await this.loop;
  }

  /** Relay now instead of at the next poll; ignored while backing off from a failure. */
  wake(): void {
    this.wakeRequested = true;
    if (this.consecutiveFailures === 0) this.interruptSleep?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      const outcome = await this.relayBatch();
      await this.pruneWhenDue();
      if (outcome.error === undefined) {
        if (this.consecutiveFailures > 0) this.logger.log(`Outbox relay recovered after ${this.consecutiveFailures} failed attempts`);
        this.consecutiveFailures = 0;
        if (outcome.locked < this.options.batchSize && !this.wakeRequested) await this.sleep(this.options.pollIntervalMs);
        continue;
      }
      this.consecutiveFailures += 1;
      const delay = this.backoffMs();
      this.logger.warn(`Outbox relay failed (attempt ${this.consecutiveFailures}), retrying in ${delay} ms: ${describe(outcome.error)}`);
      await this.sleep(delay);
    }
  }

  private async relayBatch(): Promise<BatchOutcome> {
    try {
      const em = this.orm.em.fork() as EntityManager;
      return await em.transactional((tx) => this.publishLocked(tx));
    } catch (error) {
      // The database itself failed (nothing was marked); the rows are still unsent.
      return { locked: 0, error };
    }
  }

  private async publishLocked(tx: EntityManager): Promise<BatchOutcome> {
    const rows = await tx.execute<UnsentRow[]>(LOCK_UNSENT, [this.options.batchSize]);
    const runs = runsWithEqualHeaders(rows);
    // All calls start before any is awaited: the publisher writes each to its channel synchronously, so the broker
    // still receives them in created order, and the batch costs one confirm round trip instead of one per run.
    const results = await Promise.allSettled(
      runs.map((run) => this.publishWithTimeout(run.map((row) => row.payload), run[0].headers)),
    );
    const sentIds = runs.flatMap((run, i) => (results[i].status === 'fulfilled' ? run.map((row) => row.id) : []));
    await this.markSent(tx, sentIds);
    const failure = results.find((result) => result.status === 'rejected');
    if (!failure) return { locked: rows.length };
    const unsentIds = runs.flatMap((run, i) => (results[i].status === 'rejected' ? run.map((row) => row.id) : []));
    await tx.execute(MARK_FAILED, [describe(failure.reason), unsentIds]);
    return { locked: rows.length, error: failure.reason };
  }

  private async markSent(tx: EntityManager, ids: string[]): Promise<void> {
    if (ids.length > 0) await tx.execute(MARK_SENT, [ids]);
  }

  private async publishWithTimeout(events: EventEnvelope[], headers: Record<string, string>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`publish not confirmed within ${this.options.publishTimeoutMs} ms`)),
        this.options.publishTimeoutMs,
      );
    });
    try {
      await Promise.race([withTraceHeaders(headers, () => this.publisher.publish(events, { headers })), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async pruneWhenDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPruneAt < this.options.pruneIntervalMs) return;
    this.lastPruneAt = now;
    try {
      await this.orm.em.fork().getConnection().execute(PRUNE_SENT, [new Date(now - this.options.retentionMs)], 'run');
    } catch (error) {
      this.logger.warn(`Pruning sent outbox rows failed, next try in ${this.options.pruneIntervalMs} ms: ${describe(error)}`);
    }
  }

  private backoffMs(): number {
    const { initialMs, maxMs } = this.options.retryDelay;
    return Math.min(maxMs, initialMs * 2 ** Math.min(this.consecutiveFailures - 1, 30));
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.interruptSleep = done;
    }).finally(() => {
      this.interruptSleep = undefined;
    });
  }
}

/**
 * The publisher takes one headers object per call, and each row keeps its own trace headers: consecutive rows that
 * share headers go out in one call.
 */
function runsWithEqualHeaders(rows: UnsentRow[]): UnsentRow[][] {
  const runs: UnsentRow[][] = [];
  let previousKey: string | undefined;
  for (const row of rows) {
    const key = headersKey(row.headers);
    if (key === previousKey) runs[runs.length - 1].push(row);
    else runs.push([row]);
    previousKey = key;
  }
  return runs;
}

function headersKey(headers: Record<string, string>): string {
  return JSON.stringify(Object.entries(headers).sort(([a], [b]) => a.localeCompare(b)));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
