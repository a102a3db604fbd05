// Inspect, re-drive or discard the services' dead-letter queues (`<service>.events.dlq`), with the queue and header
// names of @plinth/messaging. Used by `tools/dlq/dlq.mjs` and by the chaos poison scenario.
import amqp from 'amqplib';
import {
  ATTEMPT_HEADER, ATTEMPTS_HEADER, BROKER_HEADERS, deadLetterQueueOf, defaultTopology, ERROR_HEADER, eventsQueueOf, ROUTING_KEY_HEADER,
} from '@plinth/messaging';

const DLQ_SUFFIX = deadLetterQueueOf('');

/** Every service with a durable events queue has a DLQ. */
export const deadLetterQueues = () =>
  Object.entries(defaultTopology().durableSubscriptions)
    .filter(([, types]) => types.length > 0)
    .map(([service]) => deadLetterQueueOf(service));

/** `notifications` or `notifications.events.dlq` → `notifications.events.dlq`; anything else is refused. */
export function resolveDeadLetterQueue(name) {
  const queue = name.endsWith(DLQ_SUFFIX) ? name : deadLetterQueueOf(name);
  if (!deadLetterQueues().includes(queue)) throw new Error(`unknown dead-letter queue "${name}"; known: ${deadLetterQueues().join(', ')}`);
  return queue;
}

const serviceOf = (queue) => queue.slice(0, -DLQ_SUFFIX.length);

async function withChannel(url, use) {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    // checkQueue on a missing queue closes the channel; keep the error as the caller's.
    channel.on('error', () => undefined);
    const result = await use(channel);
    // Closing the channel (and waiting for close-ok) settles its acks before the connection goes.
    await channel.close();
    return result;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export function listDeadLetters(url) {
  return withChannel(url, async (channel) => {
    const rows = [];
    for (const queue of deadLetterQueues()) {
      const { messageCount, consumerCount } = await channel.checkQueue(queue);
      rows.push({ queue, messages: messageCount, consumers: consumerCount });
    }
    return rows;
  });
}

const describe = (message) => {
  const headers = message.properties.headers ?? {};
  const body = message.content.toString('utf8');
  return {
    messageId: message.properties.messageId,
    type: message.properties.type ?? headers[ROUTING_KEY_HEADER],
    routingKey: headers[ROUTING_KEY_HEADER],
    error: headers[ERROR_HEADER],
    attempts: headers[ATTEMPTS_HEADER],
    body: body.length > 500 ? `${body.slice(0, 500)}…` : body,
  };
};

/**
 * The first `limit` messages, left in the queue: taken unacknowledged and returned when the channel closes
 * (they keep their order; their redelivered flag is set, which nothing here reads).
 */
export function peekDeadLetters(url, queue, { limit = 10 } = {}) {
  return withChannel(url, async (channel) => {
    const messages = [];
    for (let message; messages.length < limit && (message = await channel.get(queue, { noAck: false })); ) messages.push(describe(message));
    return messages;
  });
}

/**
 * Moves up to `limit` messages back to the service's own events queue (not the exchange: other services
 * already had their copy), with attempt count and error removed, so the handler gets a fresh retry budget.
 * Each is acked only after the broker confirmed its copy: a crash in between duplicates, never loses.
 */
export function redriveDeadLetters(url, queue, { limit = Infinity } = {}) {
  const target = eventsQueueOf(serviceOf(queue));
  return withChannel(url, async (channel) => {
    let moved = 0;
    for (let message; moved < limit && (message = await channel.get(queue, { noAck: false })); ) {
      const headers = { ...message.properties.headers };
      for (const name of [...BROKER_HEADERS, ERROR_HEADER, ATTEMPTS_HEADER, ATTEMPT_HEADER]) delete headers[name];
      const { messageId, type, contentType, correlationId, timestamp } = message.properties;
      await new Promise((resolve, reject) =>
        channel.sendToQueue(target, message.content, { persistent: true, headers, messageId, type, contentType, correlationId, timestamp }, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
      channel.ack(message);
      moved += 1;
    }
    return { from: queue, to: target, moved };
  });
}

/**
 * Takes up to `limit` messages off the queue for good — for poison that no fix will make valid — and returns each
 * in full (headers and body), so the caller keeps a record of what was thrown away. Acked one by one as returned.
 */
export function discardDeadLetters(url, queue, { limit = Infinity } = {}) {
  return withChannel(url, async (channel) => {
    const discarded = [];
    for (let message; discarded.length < limit && (message = await channel.get(queue, { noAck: false })); ) {
      discarded.push({ ...describe(message), headers: message.properties.headers ?? {}, body: message.content.toString('utf8') });
      channel.ack(message);
    }
    return discarded;
  });
}
