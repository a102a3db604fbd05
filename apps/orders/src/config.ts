import { DatabaseServiceConfig } from '@plinth/service-bootstrap';

/** Orders' environment: the shared service settings with this service's port and database as defaults. */
export class OrdersConfig extends DatabaseServiceConfig {
  override PORT = 3003;
  override DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plinth_orders';
}
