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

  /** Persists one row per event in `em`'s unit of work: it is written by the caller's flush/commit, or not at all. */
  add(em: EntityManager, events: EventEnvelope | EventEnvelope[], options: OutboxAddOptions = {}): void {
    const createdAt = new Date();
    const headers = options.headers ?? activeTraceHeaders();
    for (const event of Array.isArray(events) ? events : [events]) {
      const row = new OutboxMessage();
      row.id = event.id;
      row.type = event.type;
      row.payload = event;
      row.headers = { ...headers };
      row.createdAt = createdAt;
      em.persist(row);
    }
  }

  /** Call right after the transaction that added events committed, so they go out now rather than at the next poll. */
  notifyCommitted(): void {
    this.relay.wake();
  }
}
