export const OrdersRpc = {
  create: 'orders.create',
  get: 'orders.get',
  /** The orders among some ids that the caller may see (GraphQL's batched `Notification.order`). */
  getMany: 'orders.get-many',
  list: 'orders.list',
  cancel: 'orders.cancel',
  changeStatus: 'orders.status.change',
} as const;

export const OrdersEvents = {
  orderCreated: 'orders.order.created',
  orderStatusChanged: 'orders.order.status-changed',
} as const;

export const OrderStatuses = ['pending', 'confirmed', 'rejected', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof OrderStatuses)[number];
