import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthEvents, UserRegisteredEvent, type EventEnvelope, type UserRegisteredData } from '@plinth/contracts';
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
import { drainQueue, standInForGateway, startSystem, waitUntil, type DrainedMessage, type GatewayStandIn, type ActingRpc, type RunningSystem } from '@plinth/testing';
import { connect } from 'amqplib';
import { usersDatabase } from '../../src/users-database.js';

/**
 * The BUILT users app as its own process (real Postgres, real broker, own vhost), with what a test
 * needs around it: an RPC client as the gateway uses it, an event publisher playing auth, and the
 * ORM on users' database.
 */
export class UsersTestSystem {
  private constructor(
    readonly system: RunningSystem,
    private readonly client: INestApplicationContext,
    private readonly gateway: GatewayStandIn,
    private readonly publisher: EventPublisher,
    readonly orm: MikroORM,
  ) {}

  /** Sends like the gateway: each request with its actor's access token (users verifies it against a test key). */
  get rpc(): ActingRpc {
    return this.gateway.rpc;
  }

  /** PREFETCH=1 makes the service handle its event queue strictly in order, so a later event proves earlier ones were handled. */
  static async start(): Promise<UsersTestSystem> {
    const system = await startSystem({ services: ['users'], serviceEnv: { users: { PREFETCH: '1' } } });
    try {
      const url = brokerUrlOf(system);
      // As the gateway: a service answers only its callers' reply queues (RpcCalls).
      const client = await NestFactory.createApplicationContext(MessagingModule.forRoot({ serviceName: 'gateway', url }), {
        logger: false,
      });
      await client.init();
      await waitUntil(async () => client.get(AmqpConnection).isConnected());
      const orm = await MikroORM.init(
        buildOrmOptions({
          serviceName: 'users-test',
          clientUrl: system.databaseUrlOf('users'),
          entities: [...usersDatabase.entities, ...messagingEntities],
          migrations: [...usersDatabase.migrations, ...messagingMigrations],
        }),
      );
      return new UsersTestSystem(system, client, standInForGateway(system, client.get(RpcClient)), client.get(EventPublisher), orm);
    } catch (error) {
      await system.stop();
      throw error;
    }
  }

  registeredEvent(data: UserRegisteredData): EventEnvelope<UserRegisteredData> {
    return createEvent(AuthEvents.userRegistered, UserRegisteredEvent.VERSION, data, { source: 'auth' });
  }

  publish(event: EventEnvelope): Promise<void> {
    return this.publisher.publish(event);
  }

  /** Raw SQL on users' database (`?` placeholders). */
  sql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.orm.em.getConnection().execute<T[]>(query, params);
  }

  /** Takes every message now in users' dead-letter queue. */
  async drainDeadLetters(): Promise<DrainedMessage<EventEnvelope>[]> {
    const connection = await connect(brokerUrlOf(this.system));
    try {
      return await drainQueue<EventEnvelope>(connection, deadLetterQueueOf('users'));
    } finally {
      await connection.close();
    }
  }

  /** Log lines the service wrote at level error or above (pino: 50+). */
  errorLogs(): string[] {
    return this.system
      .logs('users')
      .split('\n')
      .filter((line) => /"level":\s*(50|60)/.test(line));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.client?.close(), this.orm?.close(true), this.gateway?.close()]);
    await this.system.stop();
  }
}

function brokerUrlOf(system: RunningSystem): string {
  const url = system.env['RABBITMQ_URL'];
  if (!url) throw new Error('the test system has no RABBITMQ_URL');
  return url;
}
