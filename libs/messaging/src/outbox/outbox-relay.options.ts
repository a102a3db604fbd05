/** Tuning of the outbox relay; every field has a production default (see DEFAULT_OUTBOX_RELAY_OPTIONS). */
export interface OutboxRelayOptions {
  /** Rows locked and published per transaction. */
  batchSize: number;
  /** How often the relay looks for rows when nobody calls Outbox.notifyCommitted() (other replicas, missed nudges). */
  pollIntervalMs: number;
  /** Back-off after a failed batch: doubles from `initialMs` per consecutive failure up to `maxMs`. */
  retryDelay: { initialMs: number; maxMs: number };
  /** A publish that has not been confirmed by then counts as failed (the rows stay unsent and are retried). */
  publishTimeoutMs: number;
  /**
   * Rows handed to the fast path are left alone by every replica's poller for this long after they were added,
   * so that a healthy fast path is never doubled by a poll; past it, unsent rows are the poller's.
   */
  handOverGraceMs: number;
  /** Rows published by the fast path are marked sent together within this delay (one UPDATE for many). */
  markSentDelayMs: number;
}

export const DEFAULT_OUTBOX_RELAY_OPTIONS: OutboxRelayOptions = {
  batchSize: 100,
  pollIntervalMs: 500,
  retryDelay: { initialMs: 100, maxMs: 5_000 },
  publishTimeoutMs: 10_000,
  handOverGraceMs: 5_000,
  markSentDelayMs: 50,
};

export const OUTBOX_RELAY_OPTIONS = Symbol('OUTBOX_RELAY_OPTIONS');
