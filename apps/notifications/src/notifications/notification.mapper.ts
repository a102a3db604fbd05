import type { NotificationView } from '@plinth/contracts';
import type { Notification } from './notification.entity.js';

/** Entity → wire: an allow-list, so a column added later never leaks by accident. */
export const toNotificationView = (notification: Notification): NotificationView => ({
  id: notification.id,
  type: notification.type,
  title: notification.title,
  body: notification.body,
  read: notification.read,
  createdAt: notification.createdAt.toISOString(),
  data: notification.data,
});
