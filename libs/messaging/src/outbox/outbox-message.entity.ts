import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { EventEnvelope } from '@plinth/contracts';

/** One event waiting for (or done with) relay to the broker; written in the producer's own transaction. */
@Entity({ tableName: 'outbox_message' })
// The relay's only query: unsent rows in created order. Sent rows (kept for the retention period) stay out of it.
@Index({ name: 'outbox_message_unsent_idx', properties: ['createdAt', 'id'], where: 'sent_at is null' })
export class OutboxMessage {
  /** The event id: a row can never be written twice for one event. */
  @PrimaryKey({ type: 'uuid', columnType: 'uuid' })
  id: string;

  @Property({ type: 'text', columnType: 'text' })
  type: string;

  /** The complete envelope, published as is. */
  @Property({ type: 'json', columnType: 'jsonb' })
  payload: EventEnvelope;

  /** AMQP headers to publish with the event (W3C traceparent/tracestate of the producing request). */
  @Property({ type: 'json', columnType: 'jsonb' })
  headers: Record<string, string>;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'integer', columnType: 'int', default: 0 })
  attempts = 0;

  @Property({ type: 'text', columnType: 'text', nullable: true })
  lastError: string | null = null;
}
