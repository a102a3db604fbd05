export const OrdersRpc = {
  create: 'orders.create',
  get: 'orders.get',
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
