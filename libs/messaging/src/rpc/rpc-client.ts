import { Inject, Injectable } from '@nestjs/common';
import { rpcServiceOf } from '@plinth/contracts';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { AmqpConnection, type ConnectionParticipant } from '../connection/amqp-connection.js';
import { BrokerUnavailableError, RemoteError, RpcTimeoutError } from '../errors/messaging-errors.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging.options.js';
import { DIRECT_REPLY_TO, rpcQueueOf } from '../topology/topology-names.js';
import { decodeReply } from './rpc-reply.js';

interface PendingCall {
  resolve(data: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply over RabbitMQ direct reply-to: one channel publishes every request and receives every
 * reply, so a call costs one publish, one delivery and a map lookup. Correlation ids only need to be
 * unique on this channel, so a counter does.
 */
@Injectable()
export class RpcClient implements ConnectionParticipant {
  private channel: Channel | null = null;
  private readonly pending = new Map<string, PendingCall>();
  private readonly queueByPattern = new Map<string, string>();
  private sequence = 0;

  constructor(
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    // Not connected yet at construction; a failed attach is logged and retried by the connection.
    connection.register(this).catch(() => undefined);
  }

  async attach(model: ChannelModel): Promise<void> {
    const channel = await this.connection.openChannel(model, 'plain');
    channel.on('close', () => this.onChannelClosed(channel));
    // Direct reply-to requires consuming (noAck) before the first request is published on the channel.
    await channel.consume(DIRECT_REPLY_TO, (message) => this.onReply(message), { noAck: true });
    this.channel = channel;
  }

  /** `headers` travel as AMQP headers (e.g. `x-request-id`, W3C trace context); handlers read them via RmqContext. */
  send<TResult>(pattern: string, payload: object, options?: { timeoutMs?: number; headers?: Record<string, string> }): Promise<TResult> {
    const channel = this.channel;
    if (channel === null) return Promise.reject(new BrokerUnavailableError('not connected'));
    const timeoutMs = options?.timeoutMs ?? this.options.rpcTimeoutMs;
    const correlationId = (++this.sequence).toString(36);
    const content = Buffer.from(JSON.stringify(payload));
    return new Promise<TResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new RpcTimeoutError(pattern, timeoutMs));
      }, timeoutMs);
      this.pending.set(correlationId, { resolve: resolve as (data: unknown) => void, reject, timer });
      try {
        channel.sendToQueue(this.queueOf(pattern), content, {
          correlationId,
          replyTo: DIRECT_REPLY_TO,
          type: pattern,
          // A request its caller has given up on is not worth executing later.
          expiration: timeoutMs,
          headers: options?.headers,
        });
      } catch (err) {
        this.settle(correlationId)?.reject(new BrokerUnavailableError((err as Error).message));
      }
    });
  }

  private onReply(message: ConsumeMessage | null): void {
    if (message === null) return;
    // Unknown id: the call already timed out. Late replies are dropped quietly.
    const call = this.settle(message.properties.correlationId as string);
    if (!call) return;
    const reply = decodeReply(message.content);
    if (reply.ok) call.resolve(reply.data);
    else call.reject(new RemoteError(reply.error));
  }

  private onChannelClosed(channel: Channel): void {
    if (this.channel !== channel) return;
    this.channel = null;
    // Replies to these calls could only arrive on the channel that just died.
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new BrokerUnavailableError('connection lost'));
  }

  private settle(correlationId: string): PendingCall | undefined {
    const call = this.pending.get(correlationId);
    if (!call) return undefined;
    this.pending.delete(correlationId);
    clearTimeout(call.timer);
    return call;
  }

  private queueOf(pattern: string): string {
    let queue = this.queueByPattern.get(pattern);
    if (queue === undefined) {
      queue = rpcQueueOf(rpcServiceOf(pattern));
      this.queueByPattern.set(pattern, queue);
    }
    return queue;
  }
}
