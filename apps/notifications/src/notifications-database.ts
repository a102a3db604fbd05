import type { ServiceDatabase } from '@plinth/service-bootstrap';
import { notificationsMigrations } from './migrations/notifications-migrations.js';
import { Notification } from './notifications/notification.entity.js';

/** The notifications service's own table; bootstrapService adds the messaging lib's outbox/inbox to both lists. */
export const notificationsDatabase: ServiceDatabase = {
  entities: [Notification],
  migrations: notificationsMigrations,
};
