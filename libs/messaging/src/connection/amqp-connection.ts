import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
import { EventEmitter } from 'node:events';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging.options.js';
import { assertTopology, checkExchanges } from '../topology/assert-topology.js';
import { declareTopology, ownedBy } from '../topology/topology-declarations.js';
import { coalesceSocketWrites, socketOf } from './coalesce-socket-writes.js';

/** Something that keeps channels on the connection and must get them back after every reconnect. */
export interface ConnectionParticipant {
  /** Opens channels (and consumers) on a fresh connection; throwing fails that connection attempt. */
  attach(model: ChannelModel): Promise<void>;
}

/**
 * The one AMQP connection of the process. Reconnects by itself with capped, jittered backoff (amqplib's
 * recovery), and on every (re)connection asserts the topology and re-attaches all participants before
 * anyone sees it as connected. A channel that dies alone (a channel-level error) takes the connection
 * with it, so recovery has one path only.
 */
@Injectable()
export class AmqpConnection implements OnModuleInit, OnApplicationShutdown {
  /** Emits 'connected' and 'disconnected'. */
  readonly events = new EventEmitter();
  private readonly logger = new Logger(AmqpConnection.name);
  private readonly participants = new Set<ConnectionParticipant>();
  private readonly intentionallyClosed = new WeakSet<Channel>();
  private recovering: RecoveringChannelModel | null = null;
  private current: ChannelModel | null = null;

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions) {}

  isConnected(): boolean {
    return this.current !== null;
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Resolves once the first connection is up; gives up (rejects) after ~20 s of failed attempts. */
  async connect(): Promise<void> {
    if (this.recovering) {
      await this.recovering.waitForConnect();
      return;
    }
    const recovering = await connect(this.urlWithHeartbeat(), {
      ...this.options.tls, // amqps:// only: tls.connect takes these with the socket options below
      noDelay: true, // Nagle would hold small RPC frames back for up to 40 ms
      timeout: 5000,
      clientProperties: { connection_name: this.options.connectionName },
      recovery: {
        initialDelay: 100,
        maxDelay: 5000,
        initialMaxRetries: 10,
        waitForConnect: false,
        setup: (model: ChannelModel) => this.setUp(model),
      },
    });
    this.recovering = recovering;
    recovering.on('disconnect', (err: Error) => this.logger.warn(`Broker connection lost (${err.message}); reconnecting`));
    recovering.on('connect-failed', (err: Error) => this.logger.error(`Connecting to the broker failed: ${err.message}`));
    recovering.on('reconnect-failed', (err: Error) => this.logger.error(`Gave up reconnecting to the broker: ${err.message}`));
    recovering.on('error', (err: Error) => this.logger.warn(`Broker connection error: ${err.message}`));
    recovering.on('blocked', (reason: string) => this.logger.warn(`Broker blocked publishing: ${reason}`));
    await recovering.waitForConnect();
  }

  /** Adds a participant; attaches it at once when connected, else on the next connection. */
  async register(participant: ConnectionParticipant): Promise<void> {
    this.participants.add(participant);
    const model = this.current;
    if (model) {
      try {
        await participant.attach(model);
      } catch (err) {
        this.recycle(model, `attaching a participant failed: ${(err as Error).message}`);
        throw err;
      }
    }
  }

  unregister(participant: ConnectionParticipant): void {
    this.participants.delete(participant);
  }

  async openChannel(model: ChannelModel, kind: 'plain'): Promise<Channel>;
  async openChannel(model: ChannelModel, kind: 'confirm'): Promise<ConfirmChannel>;
  async openChannel(model: ChannelModel, kind: 'plain' | 'confirm'): Promise<Channel> {
    const channel = kind === 'confirm' ? await model.createConfirmChannel() : await model.createChannel();
    channel.on('error', (err: Error) => this.logger.warn(`Channel error: ${err.message}`));
    channel.on('close', () => {
      if (!this.intentionallyClosed.has(channel) && this.current === model) this.recycle(model, 'a channel closed');
    });
    return channel;
  }

  /** Closes a channel on purpose (shutdown), which must not trigger recovery. */
  async closeChannel(channel: Channel): Promise<void> {
    this.intentionallyClosed.add(channel);
    try {
      await channel.close();
    } catch {
      // already closed with its connection
    }
  }

  /** Stops recovery and closes the connection; unacked deliveries return to their queues. */
  async close(): Promise<void> {
    const recovering = this.recovering;
    if (!recovering) return;
    this.current = null;
    await recovering.close().catch((err: Error) => this.logger.warn(`Closing the broker connection: ${err.message}`));
    this.events.emit('disconnected');
  }

  private async setUp(model: ChannelModel): Promise<void> {
    const socket = socketOf(model);
    if (socket) coalesceSocketWrites(socket);
    // Until recovery binds its own listeners, an 'error' without a listener would crash the process.
    model.on('error', () => undefined);
    model.on('close', () => {
      if (this.current !== model) return;
      this.current = null;
      this.events.emit('disconnected');
    });
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    const declarations = declareTopology(this.options.topology, {
      retryDelaysMs: this.options.retry.delaysMs,
      retryQueuesFor: this.options.serviceName,
    });
    if (this.options.declare === 'all') {
      await assertTopology(channel, declarations);
    } else {
      await checkExchanges(channel, declarations);
      await assertTopology(channel, ownedBy(declarations, this.options.serviceName));
    }
    await channel.close();
    // A Set iterates over members added while iterating, so late registrations are not missed.
    for (const participant of this.participants) await participant.attach(model);
    this.current = model;
    this.logger.log(`Connected to the broker as ${this.options.connectionName}`);
    this.events.emit('connected');
  }

  private recycle(model: ChannelModel, reason: string): void {
    this.logger.warn(`Reconnecting: ${reason}`);
    model.close().catch(() => undefined);
  }

  private urlWithHeartbeat(): string {
    const url = new URL(this.options.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds));
    return url.toString();
  }
}
