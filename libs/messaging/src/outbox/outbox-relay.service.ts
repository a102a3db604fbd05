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

/** An outbox row as the relay needs it: read back by the poller, or handed over by Outbox.notifyCommitted. */
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
// the row is marked sent, so no two pollers ever publish the same row. Rows younger than the hand-over grace belong
// to the fast path of the replica that committed them, unless a sweep of everything was asked for.
const LOCK_UNSENT = `select "id", "payload", "headers" from "outbox_message"
  where "sent_at" is null and "created_at" < now() - make_interval(secs => ?)
  order by "created_at", "id" limit ? for update skip locked`;
const LOCK_UNSENT_EXCEPT = `select "id", "payload", "headers" from "outbox_message"
  where "sent_at" is null and "created_at" < now() - make_interval(secs => ?) and "id" not in (?)
  order by "created_at", "id" limit ? for update skip locked`;
const MARK_SENT = `update "outbox_message" set "sent_at" = now(), "attempts" = "attempts" + 1 where "id" in (?)`;
const MARK_FAILED = `update "outbox_message" set "attempts" = "attempts" + 1, "last_error" = ? where "id" in (?)`;

/**
 * Moves committed outbox rows to the broker, two ways:
 * - fast path: rows handed over right after their transaction committed (Outbox.notifyCommitted(rows)) are
 *   published at once, without being read back, and then marked sent with one UPDATE per batch — one round trip
 *   where the poller needs four (BEGIN, SELECT … FOR UPDATE, UPDATE, COMMIT);
 * - poller: locks unsent rows older than `handOverGraceMs` (a crash, a failed publish, another replica's leftovers),
 *   publishes them with confirms and marks them sent in one transaction.
 * Either way a crash at any point leaves rows unsent, to be published later: at-least-once, never lost. A row can
 * be published twice only when the poller takes it while its fast path is still going past the grace (or failed
 * to mark it sent); consumers' inboxes absorb that.
 */
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wakeRequested = false;
  private interruptSleep?: () => void;
  private consecutiveFailures = 0;
  /** The next poll takes fresh rows too: someone woke the relay, or the fast path handed rows back. */
  private sweepAll = true;
  private readonly handedOver: UnsentRow[] = [];
  /** Handed over and not yet marked sent: every poller query leaves these alone. */
  private readonly fastPathIds = new Set<string>();
  private fastPath?: Promise<void>;
  private readonly publishedUnmarked: string[] = [];
  private markTimer?: NodeJS.Timeout;
  private marking: Promise<void> = Promise.resolve();

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

  /**
   * Stops polling; resolves once the batches in progress (poller and fast path, including rows already handed
   * over) have been published and marked, or have failed.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.interruptSleep?.();
    await Promise.all([this.loop, this.fastPath]);
    await this.markPublishedNow();
  }

  /** Relay everything unsent now instead of at the next poll; ignored while backing off from a failure. */
  wake(): void {
    this.wakeRequested = true;
    this.sweepAll = true;
    if (this.consecutiveFailures === 0) this.interruptSleep?.();
  }

  /**
   * Publishes rows whose transaction has just committed, in the order handed over. While the broker is failing
   * (the poller is backing off) or after stop, they are left to the poller.
   */
  publishCommitted(rows: readonly UnsentRow[]): void {
    if (!this.running || this.consecutiveFailures > 0) {
      this.wake();
      return;
    }
    for (const row of rows) {
      this.handedOver.push(row);
      this.fastPathIds.add(row.id);
    }
    this.fastPath ??= this.drainHandedOver().finally(() => (this.fastPath = undefined));
  }

  // One batch at a time: rows handed over meanwhile queue up and go out together as the next batch. The first
  // batch waits for the current I/O callbacks, so rows committed together (a group commit's events, the orders
  // created by one socket read) are published together: one confirm round trip instead of one per row.
  private async drainHandedOver(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.handedOver.length > 0) {
      const batch = this.handedOver.splice(0, this.options.batchSize);
      const { sentIds, unsentIds, failure } = await this.publishRows(batch);
      for (const id of unsentIds) this.fastPathIds.delete(id);
      this.publishedUnmarked.push(...sentIds);
      this.scheduleMarking();
      if (failure !== undefined) {
        this.logger.warn(`Outbox fast path could not publish; the poller takes over: ${describe(failure)}`);
        this.wake();
      }
    }
  }

  /**
   * Published rows are marked sent together, after at most `markSentDelayMs`: under load one UPDATE covers
   * many events instead of one round trip each. Until then they are left out of every poll (fastPathIds).
   */
  private scheduleMarking(): void {
    if (this.publishedUnmarked.length >= this.options.batchSize) {
      void this.markPublishedNow();
      return;
    }
    this.markTimer ??= setTimeout(() => void this.markPublishedNow(), this.options.markSentDelayMs);
  }

  // Serialized, so a stop waits for every UPDATE already started.
  private markPublishedNow(): Promise<void> {
    clearTimeout(this.markTimer);
    this.markTimer = undefined;
    const ids = this.publishedUnmarked.splice(0);
    if (ids.length > 0) this.marking = this.marking.then(() => this.markPublished(ids));
    return this.marking;
  }

  private async markPublished(ids: string[]): Promise<void> {
    try {
      await this.orm.em.fork().getConnection().execute(MARK_SENT, [ids], 'run');
    } catch (error) {
      // Published but not marked: the poller publishes them again after the grace (the inboxes absorb it).
      this.logger.warn(`Marking ${ids.length} published outbox rows sent failed: ${describe(error)}`);
    } finally {
      for (const id of ids) this.fastPathIds.delete(id);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      const sweepingAll = this.sweepAll;
      const outcome = await this.relayBatch();
      // A full sweep ends once it found less than a batch; until then, and after a failure, it goes on.
      if (sweepingAll && outcome.error === undefined && outcome.locked < this.options.batchSize && !this.wakeRequested) {
        this.sweepAll = false;
      }
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
    const rows = await this.lockUnsent(tx);
    const { sentIds, unsentIds, failure } = await this.publishRows(rows);
    await this.markSent(tx, sentIds);
    if (failure === undefined) return { locked: rows.length };
    await tx.execute(MARK_FAILED, [describe(failure), unsentIds]);
    return { locked: rows.length, error: failure };
  }

  private lockUnsent(tx: EntityManager): Promise<UnsentRow[]> {
    const graceSeconds = this.sweepAll ? 0 : this.options.handOverGraceMs / 1000;
    const inFastPath = [...this.fastPathIds];
    return inFastPath.length === 0
      ? tx.execute<UnsentRow[]>(LOCK_UNSENT, [graceSeconds, this.options.batchSize])
      : tx.execute<UnsentRow[]>(LOCK_UNSENT_EXCEPT, [graceSeconds, inFastPath, this.options.batchSize]);
  }

  private async publishRows(rows: UnsentRow[]): Promise<{ sentIds: string[]; unsentIds: string[]; failure?: unknown }> {
    const runs = runsWithEqualHeaders(rows);
    // All calls start before any is awaited: the publisher writes each to its channel synchronously, so the broker
    // still receives them in created order, and the batch costs one confirm round trip instead of one per run.
    const results = await Promise.allSettled(
      runs.map((run) => this.publishWithTimeout(run.map((row) => row.payload), run[0].headers)),
    );
    const idsWhere = (status: PromiseSettledResult<void>['status']) =>
      runs.flatMap((run, i) => (results[i].status === status ? run.map((row) => row.id) : []));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    return { sentIds: idsWhere('fulfilled'), unsentIds: idsWhere('rejected'), failure: failure?.reason };
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
