import { DatabaseServiceConfig } from '@plinth/service-bootstrap';

/** Users' environment: the shared service settings with this service's port and database as defaults. */
export class UsersConfig extends DatabaseServiceConfig {
  override PORT = 3002;
  override DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plinth_users';
}
