import { MikroORM } from '@mikro-orm/core';
import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import type { Channel, ChannelModel } from 'amqplib';
import {
  AmqpConnection, deadLetterQueueOf, eventsQueueOf, MESSAGING_OPTIONS, rpcQueueOf, type ConnectionParticipant, type ResolvedMessagingOptions,
} from '@plinth/messaging';
import { DatabaseHealthIndicator } from '@plinth/persistence';
import { ServiceMetrics } from '@plinth/telemetry';

interface PgPoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

const OUTBOX_BACKLOG = `select count(*)::int as "backlog", coalesce(extract(epoch from now() - min("created_at")), 0)::float8 as "age"
  from "outbox_message" where "sent_at" is null`;

/** One read per scrape feeds several gauges (and a second scraper within this window reuses it). */
const READ_REUSE_MS = 1_000;

interface QueueStats {
  queue: string;
  messages: number;
  consumers: number;
}

/** `read` at most once per READ_REUSE_MS. */
function reusedFor<T>(read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > READ_REUSE_MS) last = { at: Date.now(), value: read() };
    return last.value;
  };
}

/**
 * Gauges read when Prometheus scrapes: broker and database reachability, the service's queues (ready messages =
 * consumer lag, consumers; DLQ depth), the outbox backlog and the age of its oldest unsent row, and the DB pool.
 * Reading at scrape time keeps them off the hot path. The alert rules (docker/observability/prometheus/rules) use
 * these names.
 */
@Injectable()
export class ScrapeTimeGauges implements OnModuleInit, ConnectionParticipant {
  private channel: Channel | null = null;

  constructor(
    private readonly metrics: ServiceMetrics,
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    @Optional() private readonly orm?: MikroORM,
    @Optional() private readonly database?: DatabaseHealthIndicator,
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
    this.metrics.gauge('messaging_broker_up', 'Whether the service\'s connection to RabbitMQ is up (1) or not (0).', [], async () => [
      { value: this.connection.isConnected() ? 1 : 0 },
    ]);
    if (ownQueues.length > 0) {
      this.connection.register(this).catch(() => undefined);
      const queues = reusedFor(() => this.stats(ownQueues));
      this.metrics.gauge('messaging_queue_messages_ready', 'Messages waiting in the service\'s queues (consumer lag).', ['queue'], async () =>
        (await queues()).map(({ queue, messages }) => ({ labels: { queue }, value: messages })),
      );
      this.metrics.gauge('messaging_queue_consumers', 'Consumers on the service\'s queues, all replicas together (0 = nobody consumes).', ['queue'], async () =>
        (await queues()).map(({ queue, consumers }) => ({ labels: { queue }, value: consumers })),
      );
      if (deadLetters.length > 0) {
        this.metrics.gauge('messaging_dlq_messages', 'Messages in the service\'s dead-letter queue.', ['queue'], async () =>
          (await this.stats(deadLetters)).map(({ queue, messages }) => ({ labels: { queue }, value: messages })),
        );
      }
    }
    if (this.orm) this.registerDatabaseGauges(this.orm);
  }

  private async stats(queues: string[]): Promise<QueueStats[]> {
    const channel = this.channel;
    if (!channel) return [];
    return Promise.all(
      queues.map(async (queue) => {
        const { messageCount, consumerCount } = await channel.checkQueue(queue);
        return { queue, messages: messageCount, consumers: consumerCount };
      }),
    );
  }

  private registerDatabaseGauges(orm: MikroORM): void {
    const database = this.database;
    if (database) {
      this.metrics.gauge('db_up', 'Whether the service\'s database answers (1) or not (0), as /readyz checks it.', [], async () => [
        { value: (await database.isHealthy('database')).database?.status === 'up' ? 1 : 0 },
      ]);
    }
    // Both outbox gauges come from one query per scrape.
    const outbox = reusedFor(() =>
      orm.em.getConnection().execute<{ backlog: number; age: number }[]>(OUTBOX_BACKLOG).then(([row]) => row ?? { backlog: 0, age: 0 }),
    );
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
