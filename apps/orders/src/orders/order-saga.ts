import { Injectable } from '@nestjs/common';
import {
  OrdersEvents,
  OrderStatusChangedEvent,
  type EventEnvelope,
  type OrderStatus,
  type OrderStatusChangedData,
  type StockRejectedEvent,
  type StockReservedEvent,
} from '@plinth/contracts';
import { createEvent, Inbox, Outbox, type OutboxMessage } from '@plinth/messaging';

const SOURCE = 'orders';

/** Inbox consumer names: stored with every processed event, so renaming one would make handled events look new. */
export const SagaConsumers = {
  confirm: 'orders.confirm-on-reserved',
  reject: 'orders.reject-on-stock-rejected',
} as const;

// Only a PENDING order follows the saga's outcome; the condition is in the UPDATE, so a concurrent cancel either
// commits first (then this matches nothing) or waits for this one (then cancels a confirmed order, and catalog
// releases the stock on that cancellation).
const SETTLE = `update "orders" set "status" = ?, "version" = "version" + 1, "updated_at" = now()
  where "id" = ? and "status" = 'pending' returning "user_id", "version"`;

/**
 * Orders' side of the stock saga: `catalog.stock.reserved` → confirmed, `catalog.stock.rejected` → rejected, each
 * with its `orders.order.status-changed` (which notifications turns into the user's notification) in the inbox's
 * transaction. An outcome for an order that is no longer pending (cancelled meanwhile) changes nothing here: the
 * cancellation's own event makes catalog release whatever it reserved.
 */
@Injectable()
export class OrderSaga {
  constructor(
    private readonly inbox: Inbox,
    private readonly outbox: Outbox,
  ) {}

  confirm(event: StockReservedEvent): Promise<void> {
    return this.settle(event, SagaConsumers.confirm, event.data.orderId, 'confirmed');
  }

  reject(event: StockRejectedEvent): Promise<void> {
    return this.settle(event, SagaConsumers.reject, event.data.orderId, 'rejected');
  }

  private async settle(event: EventEnvelope, consumer: string, orderId: string, to: OrderStatus): Promise<void> {
    let committed: OutboxMessage[] = [];
    await this.inbox.process(event, consumer, async (tx) => {
      const [row] = await tx.execute<{ user_id: string; version: number }[]>(SETTLE, [to, orderId]);
      if (!row) return;
      const data: OrderStatusChangedData = { orderId, userId: row.user_id, from: 'pending', to, version: row.version };
      committed = this.outbox.add(tx, createEvent(OrdersEvents.orderStatusChanged, OrderStatusChangedEvent.VERSION, data, { source: SOURCE, correlationId: event.correlationId }));
    });
    this.outbox.notifyCommitted(committed);
  }
}
