export const NotificationsRpc = {
  list: 'notifications.list',
  markRead: 'notifications.mark-read',
} as const;

export const NotificationsEvents = {
  notificationCreated: 'notifications.notification.created',
} as const;

export const NotificationTypes = ['welcome', 'order.created', 'order.status-changed'] as const;
export type NotificationType = (typeof NotificationTypes)[number];
