import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TablePruner } from '@plinth/persistence';
import { OrdersConfig } from '../config.js';

/** Expired Idempotency-Keys no longer replay (OrdersService); this deletes their records with the other retention. */
@Injectable()
export class IdempotencyKeyRetention implements OnModuleInit {
  constructor(
    private readonly pruner: TablePruner,
    private readonly config: OrdersConfig,
  ) {}

  onModuleInit(): void {
    this.pruner.register({
      table: 'order_idempotency_keys',
      expired: '"created_at" < now() - make_interval(secs => ?)',
      params: () => [this.config.IDEMPOTENCY_KEY_TTL_HOURS * 3_600],
    });
  }
}
