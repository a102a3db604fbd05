import { EVENTS_EXCHANGE, type EventEnvelope } from '@plinth/contracts';
import { connect, type ChannelModel } from 'amqplib';

/**
 * Observes events on `plinth.events` the way a consumer would: an exclusive queue bound to the
 * given types, so every published event is recorded from the moment the tap is opened.
 */
export class EventTap {
  readonly received: EventEnvelope[] = [];

  private constructor(private readonly connection: ChannelModel) {}

  static async open(url: string, types: readonly string[]): Promise<EventTap> {
    const connection = await connect(url);
    const channel = await connection.createChannel();
    const tap = new EventTap(connection);
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const type of types) await channel.bindQueue(queue, EVENTS_EXCHANGE, type);
    await channel.consume(queue, (message) => {
      if (message) tap.received.push(JSON.parse(message.content.toString('utf8')) as EventEnvelope);
    }, { noAck: true });
    return tap;
  }

  matching<T>(type: string, predicate: (data: T) => boolean = () => true): EventEnvelope<T>[] {
    return this.received.filter((event): event is EventEnvelope<T> => event.type === type && predicate(event.data as T));
  }

  /** Resolves with the matching events once there are at least `count` of them. */
  async waitFor<T>(type: string, predicate: (data: T) => boolean, count = 1, timeoutMs = 10_000): Promise<EventEnvelope<T>[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.matching(type, predicate);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`expected ${count} ${type} event(s), saw ${found.length}: ${JSON.stringify(this.received)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** Takes every message currently in `queue` (a service's durable event queue) and returns their envelopes. */
export async function drainQueue(url: string, queue: string): Promise<EventEnvelope[]> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    const drained: EventEnvelope[] = [];
    for (let message = await channel.get(queue); message; message = await channel.get(queue)) {
      drained.push(JSON.parse(message.content.toString('utf8')) as EventEnvelope);
      channel.ack(message);
    }
    return drained;
  } finally {
    await connection.close();
  }
}
