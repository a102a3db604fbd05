import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CatalogEvents, StockRejectedEvent, StockReservedEvent } from '@plinth/contracts';
import { OrderSaga } from './order-saga.js';

/** Catalog's answers to `orders.order.created` (durable queue `orders.events`). */
@Controller()
export class StockOutcomeHandlers {
  constructor(private readonly saga: OrderSaga) {}

  @EventPattern(CatalogEvents.stockReserved)
  onStockReserved(@Payload() event: StockReservedEvent): Promise<void> {
    return this.saga.confirm(event);
  }

  @EventPattern(CatalogEvents.stockRejected)
  onStockRejected(@Payload() event: StockRejectedEvent): Promise<void> {
    return this.saga.reject(event);
  }
}
