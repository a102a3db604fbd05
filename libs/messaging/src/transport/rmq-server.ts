import { Logger } from '@nestjs/common';
import { RmqContext, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { ErrorCodes, type ErrorBody } from '@plinth/contracts';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { isObservable, lastValueFrom } from 'rxjs';
import { AmqpConnection, type ConnectionParticipant } from '../connection/amqp-connection.js';
import { publishConfirmed } from '../events/confirmed-publish.js';
import {
  ATTEMPT_HEADER, ATTEMPTS_HEADER, BROKER_HEADERS, ERROR_HEADER, ROUTING_KEY_HEADER,
} from '../events/event-headers.js';
import { attemptOf, decideOnFailure } from '../events/retry-policy.js';
import type { ResolvedMessagingOptions } from '../messaging.options.js';
import { toErrorBody } from '../rpc/rpc-error-body.js';
import { encodeReply, type RpcReply } from '../rpc/rpc-reply.js';
import { replyQueuesOf } from '../topology/broker-permissions.js';
import { callersOf } from '../topology/topology.js';
import {
  EVENT_MOVES_EXCHANGE, RPC_REPLIES_EXCHANGE, broadcastQueuePrefixOf, deadLetterQueueOf, eventsQueueOf, rpcQueueOf,
} from '../topology/topology-names.js';

export const PLINTH_RMQ_TRANSPORT = Symbol('PLINTH_RMQ_TRANSPORT');

/** An error as it comes out of Nest's handler pipeline, and what we know about it. */
interface HandlerFailure {
  body: ErrorBody;
  /** The real reason, for logs and DLQ headers (never for replies). */
  reason: string;
}

const MAX_REASON_LENGTH = 1000;

/**
 * Nest transport strategy for Plinth's RabbitMQ topology: RPC on `<service>.rpc`, durable events on
 * `<service>.events` with retry queues and a DLQ, and per-replica broadcast queues. Consumers are
 * (re)started on every connection by AmqpConnection; ack happens only after the handler settled.
 */
export class RmqServer extends Server implements CustomTransportStrategy, ConnectionParticipant {
  // We await event handlers and report their failures ourselves; Nest must not log them again.
  override readonly propagatesEventHandlerErrors = true;
  private readonly log = new Logger(RmqServer.name);
  /** Messages whose handling has started and not finished (acked, replied or moved). */
  private inFlight = 0;
  private onIdle: (() => void) | undefined;
  private consumers: { channel: Channel; consumerTag: string }[] = [];
  private closing = false;
  /**
   * The reply queues this service may answer: its callers' (the topology's RpcCalls). Publishing a reply anywhere
   * else would be refused by the broker, and that refusal closes the channel: a forged `replyTo` must not do that.
   */
  private readonly replyQueue: RegExp;

  constructor(
    private readonly connection: AmqpConnection,
    private readonly options: ResolvedMessagingOptions,
  ) {
    super();
    this.transportId = PLINTH_RMQ_TRANSPORT;
    const callers = callersOf(options.topology, options.serviceName);
    this.replyQueue = new RegExp(callers.length === 0 ? '^$' : `^(${callers.map(replyQueuesOf).join('|')})$`);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    this.connection.events.on('connected', this.onConnected);
    this.connection.events.on('disconnected', this.onDisconnected);
    try {
      await this.connection.register(this);
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Stops consuming, lets in-flight handlers finish (bounded), then closes the consumer channels. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.connection.unregister(this);
    this.connection.events.off('connected', this.onConnected);
    this.connection.events.off('disconnected', this.onDisconnected);
    const consumers = this.consumers;
    this.consumers = [];
    await Promise.allSettled(consumers.map(({ channel, consumerTag }) => channel.cancel(consumerTag)));
    const drained = await this.drain(this.options.shutdownTimeoutMs);
    if (!drained) this.log.warn(`Closing with ${this.inFlight} handler(s) still running; their messages will be redelivered`);
    await Promise.all(consumers.map(({ channel }) => this.connection.closeChannel(channel)));
  }

  /** Subscribes to connection status: 'connected', 'disconnected'. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- the signature Server declares
  on(event: string, callback: Function): void {
    this.connection.events.on(event, callback as (...args: unknown[]) => void);
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  async attach(model: ChannelModel): Promise<void> {
    if (this.closing) return;
    this.consumers = [];
    const { serviceName, topology, prefetch } = this.options;
    if (topology.rpcServices.includes(serviceName) && this.hasHandlers(false)) {
      const channel = await this.connection.openChannel(model, 'plain');
      await channel.prefetch(prefetch);
      await this.consume(channel, rpcQueueOf(serviceName), (message) => this.handleRpc(channel, message));
    }
    if (topology.durableSubscriptions[serviceName] && this.hasHandlers(true)) {
      const channel = await this.connection.openChannel(model, 'confirm');
      await channel.prefetch(prefetch);
      await this.consume(channel, eventsQueueOf(serviceName), (message) => this.handleDurableEvent(channel, message));
    }
    // An ephemeral queue only needs the types someone here handles; the rest would be dropped anyway.
    const broadcastTypes = (topology.broadcastSubscriptions[serviceName] ?? [])
      .filter((type) => this.messageHandlers.get(type)?.isEventHandler);
    if (broadcastTypes.length > 0) {
      const channel = await this.connection.openChannel(model, 'plain');
      await channel.prefetch(prefetch);
      // Exclusive, auto-delete, named after the service: every replica sees every event while it lives.
      const { queue } = await channel.assertQueue(`${broadcastQueuePrefixOf(serviceName)}${randomUUID()}`, { exclusive: true, autoDelete: true, durable: false });
      for (const type of broadcastTypes) await channel.bindQueue(queue, topology.eventsExchange, type);
      await this.consume(channel, queue, (message) => this.handleBroadcastEvent(channel, message));
    }
  }

  private readonly onConnected = (): void => this._status$.next('connected');
  private readonly onDisconnected = (): void => this._status$.next('disconnected');

  private async consume(channel: Channel, queue: string, handle: (message: ConsumeMessage) => Promise<void>): Promise<void> {
    const { consumerTag } = await channel.consume(queue, (message) => {
      // null = the broker cancelled the consumer (queue deleted): recover the whole connection.
      if (message === null) {
        this.log.warn(`Consumer on ${queue} cancelled by the broker`);
        channel.close().catch(() => undefined);
        return;
      }
      this.track(handle(message));
    }, { noAck: false });
    this.consumers.push({ channel, consumerTag });
  }

  private track(work: Promise<void>): void {
    this.inFlight++;
    work.then(this.settled, this.failed);
  }

  private readonly settled = (): void => {
    if (--this.inFlight === 0) this.onIdle?.();
  };

  private readonly failed = (err: unknown): void => {
    this.log.error(`Message handling failed: ${String(err)}`);
    this.settled();
  };

  private async drain(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    const idle = new Promise<true>((resolve) => { this.onIdle = () => resolve(true); });
    const drained = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return drained;
  }

  // ── RPC ─────────────────────────────────────────────────────────────────────────────────────────

  private async handleRpc(channel: Channel, message: ConsumeMessage): Promise<void> {
    const { replyTo, correlationId } = message.properties;
    const reply = await this.dispatchRpc(channel, message);
    try {
      if (replyTo && !this.replyQueue.test(String(replyTo))) {
        this.log.warn(`Not replying to ${String(message.properties.type)}: ${String(replyTo).slice(0, 100)} is no caller's reply queue`);
      } else if (replyTo) {
        let content: Buffer;
        try {
          content = encodeReply(reply);
        } catch (err) {
          this.log.error(`Unserializable RPC result for ${String(message.properties.type)}: ${(err as Error).message}`);
          content = encodeReply({ ok: false, error: toErrorBody(err).body });
        }
        channel.publish(RPC_REPLIES_EXCHANGE, replyTo as string, content, { correlationId: correlationId as string });
      }
      channel.ack(message);
    } catch (err) {
      // Channel gone: the request stays unacked and is redelivered; the caller may time out.
      this.log.warn(`Could not reply/ack RPC: ${(err as Error).message}`);
    }
  }

  private async dispatchRpc(channel: Channel, message: ConsumeMessage): Promise<RpcReply> {
    const pattern = message.properties.type as string | undefined;
    const handler = pattern === undefined ? undefined : this.messageHandlers.get(pattern);
    if (!handler || handler.isEventHandler) {
      return { ok: false, error: { code: ErrorCodes.UNKNOWN_PATTERN, message: `No RPC handler for pattern ${String(pattern)}` } };
    }
    const payload = parseJson(message.content);
    if (payload === PARSE_FAILED) {
      return { ok: false, error: { code: ErrorCodes.VALIDATION_FAILED, message: 'Malformed JSON payload' } };
    }
    try {
      return { ok: true, data: await this.invoke(handler, payload, message, channel, pattern as string) };
    } catch (err) {
      return { ok: false, error: this.failureOf(err, `RPC ${pattern}`).body };
    }
  }

  // ── Events ──────────────────────────────────────────────────────────────────────────────────────

  private async handleDurableEvent(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const envelope = parseJson(message.content);
    if (envelope === PARSE_FAILED) return this.deadLetter(channel, message, 'malformed JSON');
    const type = envelopeType(envelope);
    if (type === undefined) return this.deadLetter(channel, message, 'invalid envelope: missing id or type');
    const handler = this.messageHandlers.get(type);
    if (!handler?.isEventHandler) return this.deadLetter(channel, message, `no event handler for ${type}`);
    const attempt = attemptOf(message.properties.headers);
    try {
      await this.invoke(handler, envelope, message, channel, type);
    } catch (err) {
      const failure = this.failureOf(err, `event ${type}`);
      if (failure.body.code === ErrorCodes.VALIDATION_FAILED) {
        return this.deadLetter(channel, message, `invalid event: ${failure.reason}`, attempt);
      }
      return this.retryOrDeadLetter(channel, message, attempt, failure.reason);
    }
    this.ack(channel, message);
  }

  private async handleBroadcastEvent(channel: Channel, message: ConsumeMessage): Promise<void> {
    const envelope = parseJson(message.content);
    const type = envelope === PARSE_FAILED ? undefined : envelopeType(envelope);
    const handler = type === undefined ? undefined : this.messageHandlers.get(type);
    if (!handler?.isEventHandler) {
      this.log.warn(`Dropping broadcast event ${message.fields.routingKey}: unreadable or unhandled`);
    } else {
      // Broadcasts are ephemeral (a replica's live view): a failure is logged, never retried.
      try {
        await this.invoke(handler, envelope, message, channel, type as string);
      } catch (err) {
        this.log.error(`Broadcast handler for ${type} failed: ${this.failureOf(err, `event ${type}`).reason}`);
      }
    }
    this.ack(channel, message);
  }

  private async retryOrDeadLetter(channel: ConfirmChannel, message: ConsumeMessage, attempt: number, reason: string): Promise<void> {
    const decision = decideOnFailure(this.options.serviceName, attempt, this.options.retry);
    if (decision.action === 'dead-letter') return this.deadLetter(channel, message, reason, attempt);
    this.log.warn(`Event ${message.properties.messageId} failed attempt ${attempt}: ${reason}; retrying`);
    await this.republish(channel, message, decision.queue, { [ATTEMPT_HEADER]: decision.nextAttempt });
  }

  private async deadLetter(channel: ConfirmChannel, message: ConsumeMessage, reason: string, attempts = attemptOf(message.properties.headers)): Promise<void> {
    this.log.error(`Dead-lettering event ${String(message.properties.messageId)} after ${attempts} attempt(s): ${reason}`);
    await this.republish(channel, message, deadLetterQueueOf(this.options.serviceName), {
      [ERROR_HEADER]: reason.slice(0, MAX_REASON_LENGTH),
      [ATTEMPTS_HEADER]: attempts,
    });
  }

  /** Copies the message to `queue` and acks the original only once the copy is confirmed. */
  private async republish(channel: ConfirmChannel, message: ConsumeMessage, queue: string, extraHeaders: Record<string, string | number>): Promise<void> {
    const { properties } = message;
    const headers: Record<string, unknown> = { ...properties.headers };
    for (const name of BROKER_HEADERS) delete headers[name];
    headers[ROUTING_KEY_HEADER] ??= message.fields.routingKey;
    Object.assign(headers, extraHeaders);
    const options: Options.Publish = {
      persistent: true,
      headers,
      messageId: properties.messageId,
      type: properties.type,
      contentType: properties.contentType,
      correlationId: properties.correlationId,
      timestamp: properties.timestamp,
    };
    try {
      await publishConfirmed(channel, EVENT_MOVES_EXCHANGE, queue, message.content, options, this.options.confirmTimeoutMs);
    } catch (err) {
      // Not acked: the broker redelivers the original, so nothing is lost.
      this.log.warn(`Could not move event to ${queue}: ${(err as Error).message}`);
      return;
    }
    this.ack(channel, message);
  }

  private ack(channel: Channel, message: ConsumeMessage): void {
    try {
      channel.ack(message);
    } catch (err) {
      this.log.warn(`Ack failed (message will be redelivered): ${(err as Error).message}`);
    }
  }

  // ── Handlers ────────────────────────────────────────────────────────────────────────────────────

  private async invoke(handler: MessageHandler, payload: unknown, message: ConsumeMessage, channel: Channel, pattern: string): Promise<unknown> {
    const result: unknown = await handler(payload, new RmqContext([message, channel, pattern]));
    // Nest hands back an Observable once any interceptor is installed; a plain value needs no rxjs.
    return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
  }

  /** Normalizes what Nest's pipeline threw; logs the real error when the body hides it. */
  private failureOf(error: unknown, what: string): HandlerFailure {
    const { body, expected } = toErrorBody(error);
    const cause = (error as { cause?: unknown } | null)?.cause ?? error;
    const reason = cause instanceof Error ? cause.message : `${body.code}: ${body.message}`;
    if (!expected) this.log.error(`${what} failed: ${cause instanceof Error ? cause.stack ?? cause.message : String(cause)}`);
    return { body, reason };
  }

  private hasHandlers(events: boolean): boolean {
    for (const handler of this.messageHandlers.values()) if (Boolean(handler.isEventHandler) === events) return true;
    return false;
  }
}

const PARSE_FAILED = Symbol('PARSE_FAILED');

function parseJson(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return PARSE_FAILED;
  }
}

function envelopeType(envelope: unknown): string | undefined {
  if (typeof envelope !== 'object' || envelope === null) return undefined;
  const { id, type } = envelope as { id?: unknown; type?: unknown };
  return typeof id === 'string' && typeof type === 'string' ? type : undefined;
}
