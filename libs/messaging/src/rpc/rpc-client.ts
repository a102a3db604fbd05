import { Inject, Injectable } from '@nestjs/common';
import { rpcServiceOf } from '@plinth/contracts';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { AmqpConnection, type ConnectionParticipant } from '../connection/amqp-connection.js';
import { BrokerUnavailableError, RemoteError, RpcTimeoutError } from '../errors/messaging-errors.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging.options.js';
import { RPC_EXCHANGE, RPC_REPLIES_EXCHANGE, replyQueuePrefixOf } from '../topology/topology-names.js';
import { decodeReply } from './rpc-reply.js';

interface PendingCall {
  resolve(data: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply over RabbitMQ: one channel publishes every request (to RPC_EXCHANGE, routing key = the pattern)
 * and receives every reply on this replica's exclusive reply queue, so a call costs one publish, one delivery and
 * a map lookup. Not direct reply-to: its replies go through the default exchange, which no broker user can be
 * allowed without reaching every queue (see broker-permissions.ts). Correlation ids only need to be unique on
 * this channel, so a counter does.
 */
@Injectable()
export class RpcClient implements ConnectionParticipant {
  private channel: Channel | null = null;
  /** This replica's reply queue on the current channel (a new one per connection: exclusive queues die with it). */
  private replyQueue = '';
  private readonly pending = new Map<string, PendingCall>();
  private sequence = 0;
  /** The services this one calls (the topology's RpcCalls): its broker user may request nothing else. */
  private readonly called: ReadonlySet<string>;

  constructor(
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    this.called = new Set(options.topology.rpcCalls[options.serviceName] ?? []);
    // A service that calls nobody needs no reply queue (and its broker user may not declare one).
    // Not connected yet at construction; a failed attach is logged and retried by the connection.
    if (this.called.size > 0) connection.register(this).catch(() => undefined);
  }

  async attach(model: ChannelModel): Promise<void> {
    const channel = await this.connection.openChannel(model, 'plain');
    channel.on('close', () => this.onChannelClosed(channel));
    const { queue } = await channel.assertQueue(`${replyQueuePrefixOf(this.options.serviceName)}${randomUUID()}`, { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, RPC_REPLIES_EXCHANGE, queue);
    await channel.consume(queue, (message) => this.onReply(message), { noAck: true });
    this.replyQueue = queue;
    this.channel = channel;
  }

  /** `headers` travel as AMQP headers (e.g. `x-request-id`, W3C trace context); handlers read them via RmqContext. */
  send<TResult>(pattern: string, payload: object, options?: { timeoutMs?: number; headers?: Record<string, string> }): Promise<TResult> {
    const target = rpcServiceOf(pattern);
    // Refused here, not by the broker: a refused publish would close the channel every other call is waiting on.
    if (!this.called.has(target)) {
      return Promise.reject(new Error(`${this.options.serviceName} does not call ${target} (RpcCalls): cannot send ${pattern}`));
    }
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
        channel.publish(RPC_EXCHANGE, pattern, content, {
          correlationId,
          replyTo: this.replyQueue,
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
}
