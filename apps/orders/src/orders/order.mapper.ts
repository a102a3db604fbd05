import type { OrderItemView, OrderView } from '@plinth/contracts';
import type { Order, OrderLine } from './order.entity.js';

const toOrderItemView = ({ sku, quantity, unitPrice }: OrderLine): OrderItemView => ({ sku, quantity, unitPrice });

/** Entity → wire, field by field: a column added to the entity never reaches a client by accident. */
export const toOrderView = (order: Order): OrderView => ({
  id: order.id,
  userId: order.userId,
  status: order.status,
  currency: order.currency,
  items: order.items.map(toOrderItemView),
  total: order.total,
  version: order.version,
  createdAt: order.createdAt.toISOString(),
  updatedAt: order.updatedAt.toISOString(),
});
