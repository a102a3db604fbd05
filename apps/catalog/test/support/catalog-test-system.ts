import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EVENTS_EXCHANGE, type EventEnvelope } from '@plinth/contracts';
import { AmqpConnection, MessagingModule, RpcClient } from '@plinth/messaging';
import { buildOrmOptions } from '@plinth/persistence';
import { standInForGateway, startSystem, waitUntil, type ActingRpc, type GatewayStandIn, type RunningSystem, type StartSystemOptions } from '@plinth/testing';
import { connect } from 'amqplib';
import { catalogDatabase } from '../../src/catalog-database.js';

/**
 * The BUILT catalog app as its own process (real Postgres, real broker, own vhost), an RPC client acting like the
 * gateway, the ORM on catalog's database, and a way to publish the order events catalog consumes.
 */
export class CatalogTestSystem {
  private constructor(
    readonly system: RunningSystem,
    private readonly client: INestApplicationContext,
    private readonly gateway: GatewayStandIn,
    readonly orm: MikroORM,
  ) {}

  get rpc(): ActingRpc {
    return this.gateway.rpc;
  }

  static async start(options: Omit<StartSystemOptions, 'services'> = {}): Promise<CatalogTestSystem> {
    const system = await startSystem({ ...options, services: ['catalog'] });
    try {
      const url = system.env['RABBITMQ_URL'] ?? '';
      // As the gateway: a service answers only its callers' reply queues (RpcCalls).
      const client = await NestFactory.createApplicationContext(MessagingModule.forRoot({ serviceName: 'gateway', url }), { logger: false });
      await client.init();
      await waitUntil(async () => client.get(AmqpConnection).isConnected());
      const orm = await MikroORM.init(buildOrmOptions({ serviceName: 'catalog-test', clientUrl: system.databaseUrlOf('catalog'), ...catalogDatabase }));
      return new CatalogTestSystem(system, client, standInForGateway(system, client.get(RpcClient)), orm);
    } catch (error) {
      await system.stop();
      throw error;
    }
  }

  /** Raw SQL on catalog's database (`?` placeholders). */
  sql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.orm.em.getConnection().execute<T[]>(query, params);
  }

  /** Publishes events as their owner's outbox relay would (to the events exchange, routed by type). */
  async publishEvents(events: readonly EventEnvelope[]): Promise<void> {
    const connection = await connect(this.system.env['RABBITMQ_URL'] ?? '');
    try {
      const channel = await connection.createConfirmChannel();
      for (const event of events) {
        channel.publish(EVENTS_EXCHANGE, event.type, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id, type: event.type, contentType: 'application/json' });
      }
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
