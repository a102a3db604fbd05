import type { ChannelModel } from 'amqplib';

export interface DrainedMessage<Body> {
  body: Body;
  headers: Record<string, unknown>;
}

/** Takes (gets and acks) every message now in `queue`, e.g. a service's dead-letter queue; bodies are JSON. */
export async function drainQueue<Body>(broker: ChannelModel, queue: string): Promise<DrainedMessage<Body>[]> {
  const channel = await broker.createChannel();
  try {
    const drained: DrainedMessage<Body>[] = [];
    for (let message = await channel.get(queue); message; message = await channel.get(queue)) {
      drained.push({ body: JSON.parse(message.content.toString('utf8')) as Body, headers: message.properties.headers ?? {} });
      channel.ack(message);
    }
    return drained;
  } finally {
    await channel.close();
  }
}
