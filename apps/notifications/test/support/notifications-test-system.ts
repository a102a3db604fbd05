import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EVENTS_EXCHANGE, NotificationsEvents, type EventEnvelope } from '@plinth/contracts';
import {
  AmqpConnection,
  createEvent,
  deadLetterQueueOf,
  EventPublisher,
  MessagingModule,
  messagingEntities,
  messagingMigrations,
  RpcClient,
} from '@plinth/messaging';
import { buildOrmOptions } from '@plinth/persistence';
import { drainQueue, standInForGateway, type DrainedMessage, startSystem, waitUntil, type GatewayStandIn, type ActingRpc, type RunningSystem, type ServiceName } from '@plinth/testing';
import { connect, type ChannelModel } from 'amqplib';
import { notificationsDatabase } from '../../src/notifications-database.js';

export type DeadLetter = DrainedMessage<EventEnvelope>;

/**
 * The BUILT notifications app as its own process (real Postgres, real broker, own vhost), with what
 * a test needs around it: an RPC client as the gateway uses it, a publisher playing auth and orders,
 * a tap on `notifications.notification.created` (as the gateway would see it) and the ORM.
 */
export class NotificationsTestSystem {
  /** Every notification.created event seen since start, in arrival order. */
  readonly created: EventEnvelope[] = [];

  private constructor(
    readonly system: RunningSystem,
    private readonly client: INestApplicationContext,
    private readonly gateway: GatewayStandIn,
    private readonly publisher: EventPublisher,
    readonly orm: MikroORM,
    private readonly broker: ChannelModel,
  ) {}

  /** Sends like the gateway: each request with its actor's access token (verified against a test key published as auth's JWKS). */
  get rpc(): ActingRpc {
    return this.gateway.rpc;
  }

  /** PREFETCH=1 makes the service handle its event queue strictly in order, so a later event proves earlier ones were handled. */
  static async start(options: { services?: ServiceName[]; notificationsEnv?: Record<string, string> } = {}): Promise<NotificationsTestSystem> {
    const system = await startSystem({
      services: options.services ?? ['notifications'],
      serviceEnv: { notifications: { PREFETCH: '1', ...options.notificationsEnv } },
    });
    try {
      const url = system.env['RABBITMQ_URL'];
      if (!url) throw new Error('the test system has no RABBITMQ_URL');
      const client = await NestFactory.createApplicationContext(
        // As the gateway: a service answers only its callers' reply queues (RpcCalls).
        MessagingModule.forRoot({ serviceName: 'gateway', url }),
        { logger: false },
      );
      await client.init();
      await waitUntil(async () => client.get(AmqpConnection).isConnected());
      const orm = await MikroORM.init(
        buildOrmOptions({
          serviceName: 'notifications-test',
          clientUrl: system.databaseUrlOf('notifications'),
          entities: [...notificationsDatabase.entities, ...messagingEntities],
          migrations: [...notificationsDatabase.migrations, ...messagingMigrations],
        }),
      );
      const broker = await connect(url);
      const gateway = standInForGateway(system, client.get(RpcClient));
      const harness = new NotificationsTestSystem(system, client, gateway, client.get(EventPublisher), orm, broker);
      await harness.tapCreatedEvents();
      return harness;
    } catch (error) {
      await system.stop();
      throw error;
    }
  }

  event<T>(type: string, version: number, data: T, source: string): EventEnvelope<T> {
    return createEvent(type, version, data, { source });
  }

  /** Several events in one call go out back to back (one burst on the queue). */
  publish(events: EventEnvelope | EventEnvelope[]): Promise<void> {
    return this.publisher.publish(events);
  }

  /** Raw SQL on notifications' database (`?` placeholders). */
  sql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.orm.em.getConnection().execute<T[]>(query, params);
  }

  createdFor(userId: string): EventEnvelope[] {
    return this.created.filter((event) => (event.data as { userId?: string }).userId === userId);
  }

  /** Takes every message now in notifications' dead-letter queue. */
  drainDeadLetters(): Promise<DeadLetter[]> {
    return drainQueue<EventEnvelope>(this.broker, deadLetterQueueOf('notifications'));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.broker?.close(), this.client?.close(), this.orm?.close(true), this.gateway?.close()]);
    await this.system.stop();
  }

  /** An exclusive queue bound like the gateway's, so every created event is recorded from now on. */
  private async tapCreatedEvents(): Promise<void> {
    const channel = await this.broker.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, EVENTS_EXCHANGE, NotificationsEvents.notificationCreated);
    await channel.consume(
      queue,
      (message) => {
        if (message) this.created.push(JSON.parse(message.content.toString('utf8')) as EventEnvelope);
      },
      { noAck: true },
    );
  }
}

