import type { EventEnvelope } from '@plinth/contracts';
import { v7 as uuidv7 } from 'uuid';

/** A new envelope; the id (uuid v7, time-ordered) doubles as AMQP messageId and inbox key. */
export function createEvent<T>(
  type: string,
  version: number,
  data: T,
  meta: { source: string; correlationId?: string },
): EventEnvelope<T> {
  const id = uuidv7();
  return {
    id,
    type,
    version,
    occurredAt: new Date().toISOString(),
    source: meta.source,
    correlationId: meta.correlationId ?? id,
    data,
  };
}
