import { MikroORM } from '@mikro-orm/core';
import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import type { Channel, ChannelModel } from 'amqplib';
import {
  AmqpConnection, deadLetterQueueOf, eventsQueueOf, MESSAGING_OPTIONS, rpcQueueOf, type ConnectionParticipant, type ResolvedMessagingOptions,
} from '@plinth/messaging';
import { ServiceMetrics } from '@plinth/telemetry';

interface PgPoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const OUTBOX_BACKLOG = `select count(*)::int as "backlog", coalesce(extract(epoch from now() - min("created_at")), 0)::float8 as "age"
  from "outbox_message" where "sent_at" is null`;

const OUTBOX_READ_REUSE_MS = 1_000;

/**
 * Gauges read when Prometheus scrapes: the service's queues (ready messages = consumer lag; DLQ depth), the outbox
 * backlog and the age of its oldest unsent row, and the DB pool. Reading at scrape time keeps them off the hot path.
 */
@Injectable()
export class ScrapeTimeGauges implements OnModuleInit, ConnectionParticipant {
  private channel: Channel | null = null;

  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    @Optional() private readonly orm?: MikroORM,
  ) {}

  async attach(model: ChannelModel): Promise<void> {
    const channel = await this.connection.openChannel(model, 'plain');
    channel.on('close', () => {
      if (this.channel === channel) this.channel = null;
    });
    this.channel = channel;
  }

  onModuleInit(): void {
    const { serviceName, topology } = this.options;
    const ownQueues = [
      ...(topology.rpcServices.includes(serviceName) ? [rpcQueueOf(serviceName)] : []),
      ...(topology.durableSubscriptions[serviceName]?.length ? [eventsQueueOf(serviceName)] : []),
    ];
    const deadLetters = topology.durableSubscriptions[serviceName]?.length ? [deadLetterQueueOf(serviceName)] : [];
    if (ownQueues.length > 0) {
      this.connection.register(this).catch(() => undefined);
      this.metrics.gauge('messaging_queue_messages_ready', 'Messages waiting in the service\'s queues (consumer lag).', ['queue'], () => this.depths(ownQueues));
      if (deadLetters.length > 0) {
        this.metrics.gauge('messaging_dlq_messages', 'Messages in the service\'s dead-letter queue.', ['queue'], () => this.depths(deadLetters));
      }
    }
    if (this.orm) this.registerDatabaseGauges(this.orm);
  }

  private async depths(queues: string[]): Promise<{ labels: { queue: string }; value: number }[]> {
    const channel = this.channel;
    if (!channel) return [];
    return Promise.all(queues.map(async (queue) => ({ labels: { queue }, value: (await channel.checkQueue(queue)).messageCount })));
  }

  private registerDatabaseGauges(orm: MikroORM): void {
    // Both outbox gauges come from one query per scrape.
    let backlog: { at: number; read: Promise<{ backlog: number; age: number }> } | undefined;
    const outbox = () => {
      if (!backlog || Date.now() - backlog.at > OUTBOX_READ_REUSE_MS) {
        const read = orm.em.getConnection().execute<{ backlog: number; age: number }[]>(OUTBOX_BACKLOG).then(([row]) => row ?? { backlog: 0, age: 0 });
        backlog = { at: Date.now(), read };
      }
      return backlog.read;
    };
    this.metrics.gauge('outbox_unsent_messages', 'Outbox rows not yet published.', [], async () => [{ value: (await outbox()).backlog }]);
    this.metrics.gauge('outbox_oldest_unsent_age_seconds', 'Age of the oldest unpublished outbox row (0 when none).', [], async () => [
      { value: (await outbox()).age },
    ]);
    this.metrics.gauge('db_pool_connections', 'Pooled database connections by state.', ['state'], async () => {
      const pool = (await orm.em.getConnection().getNativeClient()) as unknown as PgPoolStats;
      return [
        { labels: { state: 'idle' }, value: pool.idleCount },
        { labels: { state: 'used' }, value: pool.totalCount - pool.idleCount },
      ];
    });
    this.metrics.gauge('db_pool_pending_requests', 'Queries waiting for a pooled connection.', [], async () => {
      const pool = (await orm.em.getConnection().getNativeClient()) as unknown as PgPoolStats;
      return [{ value: pool.waitingCount }];
    });
  }
}
