import type { NotificationView } from '@plinth/contracts';

export const toNotificationView = ({ id, type, title, body, read, createdAt, data }: NotificationView): NotificationView => ({
  id,
  type,
  title,
  body,
  read,
  createdAt,
  data,
});
