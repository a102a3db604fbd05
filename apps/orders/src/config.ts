import { IsInt, Max, Min } from 'class-validator';
import { DatabaseServiceConfig, EnvNumber } from '@plinth/service-bootstrap';

/** Orders' environment: the shared service settings with this service's port and database as defaults. */
export class OrdersConfig extends DatabaseServiceConfig {
  override PORT = 3003;
  override DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plinth_orders';

  /**
   * How long a spent Idempotency-Key replays its order. Past it the key is free again (a retry then creates a new
   * order) and the pruner deletes its record.
   */
  @EnvNumber() @IsInt() @Min(1) @Max(8_760)
  IDEMPOTENCY_KEY_TTL_HOURS = 24;
}
