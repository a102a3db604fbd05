import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { OrderCreatedEvent, OrdersEvents, OrderStatusChangedEvent } from '@plinth/contracts';
import { ReservationsService } from './reservations.service.js';

/** The order events that drive the catalog's side of the saga (durable queue `catalog.events`). */
@Controller()
export class ReservationsHandlers {
  constructor(private readonly reservations: ReservationsService) {}

  @EventPattern(OrdersEvents.orderCreated)
  onOrderCreated(@Payload() event: OrderCreatedEvent): Promise<void> {
    return this.reservations.reserve(event);
  }

  @EventPattern(OrdersEvents.orderStatusChanged)
  onOrderStatusChanged(@Payload() event: OrderStatusChangedEvent): Promise<void> {
    return this.reservations.releaseIfCancelled(event);
  }
}
