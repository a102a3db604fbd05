import type { ServiceDatabase } from '@plinth/service-bootstrap';
import { notificationsMigrations } from './migrations/notifications-migrations.js';
import { EmailDelivery } from './email/email-delivery.entity.js';
import { NotificationSequence } from './notifications/notification-sequence.entity.js';
import { Notification } from './notifications/notification.entity.js';

/** The notifications service's own tables; bootstrapService adds the messaging lib's outbox/inbox to both lists. */
export const notificationsDatabase: ServiceDatabase = {
  entities: [Notification, NotificationSequence, EmailDelivery],
  migrations: notificationsMigrations,
};
