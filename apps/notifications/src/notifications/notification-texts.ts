import type {
  NotificationType,
  OrderCreatedData,
  OrderStatus,
  OrderStatusChangedData,
  UserRegisteredData,
} from '@plinth/contracts';
import { formatMoney } from './money-format.js';

/** What an event says to its user, before it is stored. */
export interface NotificationDraft {
  userId: string;
  type: NotificationType;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

const STATUS_TEXTS: Record<OrderStatus, { title: string; body: (ref: string) => string }> = {
  pending: { title: 'Order pending', body: (ref) => `Your order ${ref} is pending.` },
  confirmed: { title: 'Order confirmed', body: (ref) => `Your order ${ref} has been confirmed.` },
  rejected: { title: 'Order rejected', body: (ref) => `Your order ${ref} could not be accepted: not enough stock.` },
  shipped: { title: 'Order shipped', body: (ref) => `Your order ${ref} is on its way.` },
  delivered: { title: 'Order delivered', body: (ref) => `Your order ${ref} has been delivered.` },
  cancelled: { title: 'Order cancelled', body: (ref) => `Your order ${ref} has been cancelled.` },
};

/** The tail of the id: a uuid v7 starts with its timestamp, so orders placed together share a head. */
const orderRef = (orderId: string): string => `#${orderId.replace(/-/g, '').slice(-8)}`;

const pluralize = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

export const welcomeNotification = (data: UserRegisteredData): NotificationDraft => ({
  userId: data.userId,
  type: 'welcome',
  title: 'Welcome to Plinth',
  body: `Hi ${data.displayName.trim() || 'there'}, your account is ready.`,
  data: {},
});

export const orderReceivedNotification = (data: OrderCreatedData): NotificationDraft => {
  const itemCount = data.items.reduce((sum, item) => sum + item.quantity, 0);
  return {
    userId: data.userId,
    type: 'order.created',
    title: 'Order received',
    body: `We received your order of ${pluralize(itemCount, 'item')} (${formatMoney(data.total, data.currency)}).`,
    data: { orderId: data.orderId },
  };
};

export const orderStatusNotification = (data: OrderStatusChangedData): NotificationDraft => {
  const text = STATUS_TEXTS[data.to];
  return {
    userId: data.userId,
    type: 'order.status-changed',
    title: text.title,
    body: text.body(orderRef(data.orderId)),
    data: { orderId: data.orderId, from: data.from, to: data.to },
  };
};
