import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { NotificationCreatedEvent, NotificationsEvents } from '@plinth/contracts';
import { NotificationStreams } from './notification-streams.js';

/** notifications' broadcast event, received by every gateway replica on its own queue. */
@Controller()
export class NotificationCreatedHandlers {
  constructor(private readonly streams: NotificationStreams) {}

  @EventPattern(NotificationsEvents.notificationCreated)
  onNotificationCreated(@Payload() event: NotificationCreatedEvent): void {
    this.streams.deliver(event.data.userId, { sequence: event.data.sequence, notification: event.data.notification });
  }
}
