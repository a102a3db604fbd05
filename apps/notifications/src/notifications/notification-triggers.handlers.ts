import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AuthEvents, OrderCreatedEvent, OrdersEvents, OrderStatusChangedEvent, UserRegisteredEvent } from '@plinth/contracts';
import { orderReceivedNotification, orderStatusNotification, welcomeNotification } from './notification-texts.js';
import { NotificationsService } from './notifications.service.js';

/**
 * Inbox consumer names, one per kind of notification. They are stored with every processed event,
 * so renaming one would make already-handled events look new.
 */
export const NotificationConsumers = {
  welcome: 'notifications.welcome',
  orderReceived: 'notifications.order-received',
  orderStatusChanged: 'notifications.order-status-changed',
} as const;

/** Events from other services that become notifications. */
@Controller()
export class NotificationTriggersHandlers {
  constructor(private readonly notifications: NotificationsService) {}

  @EventPattern(AuthEvents.userRegistered)
  onUserRegistered(@Payload() event: UserRegisteredEvent): Promise<void> {
    return this.notifications.notify(event, NotificationConsumers.welcome, welcomeNotification(event.data));
  }

  @EventPattern(OrdersEvents.orderCreated)
  onOrderCreated(@Payload() event: OrderCreatedEvent): Promise<void> {
    return this.notifications.notify(event, NotificationConsumers.orderReceived, orderReceivedNotification(event.data));
  }

  @EventPattern(OrdersEvents.orderStatusChanged)
  onOrderStatusChanged(@Payload() event: OrderStatusChangedEvent): Promise<void> {
    return this.notifications.notify(event, NotificationConsumers.orderStatusChanged, orderStatusNotification(event.data));
  }
}
