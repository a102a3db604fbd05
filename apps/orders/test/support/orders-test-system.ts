import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EVENTS_EXCHANGE, type EventEnvelope } from '@plinth/contracts';
import { AmqpConnection, eventsQueueOf, MessagingModule, RpcClient } from '@plinth/messaging';
import { connect } from 'amqplib';
import { buildOrmOptions } from '@plinth/persistence';
import { standInForGateway, startSystem, type GatewayStandIn, type ActingRpc, type RunningSystem, type StartSystemOptions } from '@plinth/testing';
import { ordersDatabase } from '../../src/orders-database.js';

interface PgClient {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  release(): void;
}

/** A transaction on its own connection, for playing a competing writer against the service. */
export interface CompetingTransaction {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  commit(): Promise<void>;
}

/**
 * The BUILT orders app as its own process (real Postgres, real broker, own vhost), plus what a test
 * needs around it: an RPC client as the gateway would use it (each request with its actor's access
 * token, verified by orders against a test key published as auth's JWKS), and the ORM on orders' database.
 */
export class OrdersTestSystem {
  private constructor(
    readonly system: RunningSystem,
    private readonly client: INestApplicationContext,
    private readonly gateway: GatewayStandIn,
    readonly orm: MikroORM,
  ) {}

  get rpc(): ActingRpc {
    return this.gateway.rpc;
  }

  static async start(options: Omit<StartSystemOptions, 'services'> = {}): Promise<OrdersTestSystem> {
    const system = await startSystem({ ...options, services: ['orders'] });
    try {
      const url = system.env['RABBITMQ_URL'] ?? '';
      // As the gateway: a service answers only its callers' reply queues (RpcCalls).
      const client = await NestFactory.createApplicationContext(MessagingModule.forRoot({ serviceName: 'gateway', url }), { logger: false });
      await client.init();
      await waitUntil(async () => client.get(AmqpConnection).isConnected());
      const orm = await MikroORM.init(
        buildOrmOptions({ serviceName: 'orders-test', clientUrl: system.databaseUrlOf('orders'), ...ordersDatabase }),
      );
      return new OrdersTestSystem(system, client, standInForGateway(system, client.get(RpcClient)), orm);
    } catch (error) {
      await system.stop();
      throw error;
    }
  }

  /** Raw SQL on orders' database (`?` placeholders). */
  sql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.orm.em.getConnection().execute<T[]>(query, params);
  }

  async openTransaction(): Promise<CompetingTransaction> {
    const pool = (await this.orm.em.getConnection().getNativeClient()) as { connect(): Promise<PgClient> };
    const connection = await pool.connect();
    await connection.query('begin');
    return {
      query: (sql, params) => connection.query(sql, params),
      commit: async () => {
        try {
          await connection.query('commit');
        } finally {
          connection.release();
        }
      },
    };
  }

  /** Resolves once `count` sessions of the service are blocked waiting for a row lock. */
  waitForLockWaiters(count: number): Promise<void> {
    return waitUntil(async () => {
      const [row] = await this.sql<{ waiting: string }>(
        `select count(*) as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      return Number(row?.waiting) >= count;
    });
  }

  /**
   * Takes every message waiting in a consumer's durable event queue (nobody consumes it here), so a
   * test sees exactly what that service would receive.
   */
  async takeQueuedEvents(service: string): Promise<EventEnvelope[]> {
    const connection = await connect(this.system.env['RABBITMQ_URL'] ?? '');
    try {
      const channel = await connection.createChannel();
      const events: EventEnvelope[] = [];
      for (let message = await channel.get(eventsQueueOf(service), { noAck: true }); message; message = await channel.get(eventsQueueOf(service), { noAck: true })) {
        events.push(JSON.parse(message.content.toString('utf8')) as EventEnvelope);
      }
      return events;
    } finally {
      await connection.close();
    }
  }

  /** Publishes an event as its owner's outbox relay would (to the events exchange, routed by its type). */
  async publishEvent(event: EventEnvelope): Promise<void> {
    const connection = await connect(this.system.env['RABBITMQ_URL'] ?? '');
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish(EVENTS_EXCHANGE, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id, type: event.type, contentType: 'application/json' });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.client.close(), this.orm.close(true), this.gateway.close()]);
    await this.system.stop();
  }
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
