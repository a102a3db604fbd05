import { randomUUID } from 'node:crypto';
import type { ErrorBody } from '@plinth/contracts';
import { RPC_EXCHANGE, RPC_REPLIES_EXCHANGE, replyQueuePrefixOf } from '@plinth/messaging';
import { connect } from 'amqplib';

export interface ForgedRpcReply { ok: boolean; data?: unknown; error?: ErrorBody }

/**
 * Speaks the transport's RPC wire format directly, with an independent amqplib client, as a process holding broker
 * credentials could: posing as the gateway (a service answers only its callers' reply queues), `headers` where the
 * gateway puts the caller's token and context. Resolves with the service's reply.
 */
export async function forgedRpc(rabbitmqUrl: string, pattern: string, payload: object, headers: Record<string, string> = {}): Promise<ForgedRpcReply> {
  const connection = await connect(rabbitmqUrl);
  try {
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue(`${replyQueuePrefixOf('gateway')}${randomUUID()}`, { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, RPC_REPLIES_EXCHANGE, queue);
    const reply = new Promise<string>((resolve) => {
      void channel.consume(queue, (message) => message && resolve(message.content.toString()), { noAck: true });
    });
    channel.publish(RPC_EXCHANGE, pattern, Buffer.from(JSON.stringify(payload)), { correlationId: randomUUID(), replyTo: queue, type: pattern, headers });
    return JSON.parse(await reply) as ForgedRpcReply;
  } finally {
    await connection.close();
  }
}
