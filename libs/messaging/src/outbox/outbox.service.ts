import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import type { EventEnvelope } from '@plinth/contracts';
import { OutboxMessage } from './outbox-message.entity.js';
import { OutboxRelay } from './outbox-relay.service.js';
import { activeTraceHeaders } from '../tracing/trace-context.js';

export interface OutboxAddOptions {
  /** AMQP headers to publish with these events; default: the W3C `traceparent`/`tracestate` of the active span. */
  headers?: Record<string, string>;
}

/** Records events in the caller's transaction; the relay publishes them once that transaction has committed. */
@Injectable()
export class Outbox {
  constructor(private readonly relay: OutboxRelay) {}

  /**
   * One row per event, not yet persisted: for writers that insert them with their own rows in one statement
   * (insertInOneStatement). They are published once handed to notifyCommitted, or by the poller.
   */
  rowsFor(events: EventEnvelope | EventEnvelope[], options: OutboxAddOptions = {}): OutboxMessage[] {
    const createdAt = new Date();
    const headers = options.headers ?? activeTraceHeaders();
    return (Array.isArray(events) ? events : [events]).map((event) => {
      const row = new OutboxMessage();
      row.id = event.id;
      row.type = event.type;
      row.payload = event;
      row.headers = { ...headers };
      row.createdAt = createdAt;
      return row;
    });
  }

  /** Persists one row per event in `em`'s unit of work: it is written by the caller's flush/commit, or not at all. */
  add(em: EntityManager, events: EventEnvelope | EventEnvelope[], options: OutboxAddOptions = {}): OutboxMessage[] {
    const rows = this.rowsFor(events, options);
    for (const row of rows) em.persist(row);
    return rows;
  }

  /**
   * Call right after the transaction that wrote outbox rows committed. Given those rows, they are published at
   * once without being read back; without them, the relay looks for unsent rows now rather than at the next poll.
   */
  notifyCommitted(committedRows?: readonly OutboxMessage[]): void {
    if (committedRows === undefined) this.relay.wake();
    else this.relay.publishCommitted(committedRows);
  }
}
