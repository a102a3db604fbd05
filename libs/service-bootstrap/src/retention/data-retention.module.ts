import { Global, Inject, Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TABLE_PRUNER_OPTIONS, TablePruner } from '@plinth/persistence';
import { ServiceMetrics } from '@plinth/telemetry';
import type { DatabaseServiceConfig } from '../config/base-service.config.js';

const HOUR_SECONDS = 3_600;
const MESSAGING_RETENTION = Symbol('MESSAGING_RETENTION');

interface MessagingRetention {
  inboxSeconds: number;
  outboxSeconds: number;
}

/**
 * The retention every service with a database shares: handled events' inbox records after INBOX_RETENTION_HOURS,
 * published outbox rows after OUTBOX_RETENTION_HOURS (unsent rows never), and the pruned-rows counter.
 */
@Injectable()
class MessagingTablesRetention implements OnModuleInit {
  constructor(
    private readonly pruner: TablePruner,
    private readonly metrics: ServiceMetrics,
    @Inject(MESSAGING_RETENTION) private readonly retention: MessagingRetention,
  ) {}

  onModuleInit(): void {
    this.pruner.onPruned((table, rows) => this.metrics.rowsPruned.inc({ table }, rows));
    this.pruner.register({
      table: 'inbox_message',
      expired: '"processed_at" < now() - make_interval(secs => ?)',
      params: () => [this.retention.inboxSeconds],
    });
    this.pruner.register({
      table: 'outbox_message',
      expired: '"sent_at" < now() - make_interval(secs => ?)',
      params: () => [this.retention.outboxSeconds],
    });
  }
}

/** Global, so a service's own module can inject TablePruner and register its expiring tables (orders' idempotency keys). */
@Global()
@Module({})
export class DataRetentionModule {
  static forRoot(config: DatabaseServiceConfig, metrics: ServiceMetrics): DynamicModule {
    return {
      module: DataRetentionModule,
      providers: [
        { provide: TABLE_PRUNER_OPTIONS, useValue: { intervalMs: config.PRUNE_INTERVAL_SECONDS * 1000, batchSize: config.PRUNE_BATCH_SIZE } },
        {
          provide: MESSAGING_RETENTION,
          useValue: { inboxSeconds: config.INBOX_RETENTION_HOURS * HOUR_SECONDS, outboxSeconds: config.OUTBOX_RETENTION_HOURS * HOUR_SECONDS },
        },
        { provide: ServiceMetrics, useValue: metrics },
        TablePruner,
        MessagingTablesRetention,
      ],
      exports: [TablePruner],
    };
  }
}
