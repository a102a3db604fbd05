import type { OrderView } from '@plinth/contracts';

export const toOrderView = (order: OrderView): OrderView => ({
  id: order.id,
  userId: order.userId,
  status: order.status,
  currency: order.currency,
  items: order.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
  total: order.total,
  version: order.version,
  createdAt: order.createdAt,
  updatedAt: order.updatedAt,
});
