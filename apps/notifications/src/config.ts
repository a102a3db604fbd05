import { DatabaseServiceConfig } from '@plinth/service-bootstrap';

/** Notifications' environment: the shared service settings with this service's port and database as defaults. */
export class NotificationsConfig extends DatabaseServiceConfig {
  override PORT = 3004;
  override DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plinth_notifications';
}
