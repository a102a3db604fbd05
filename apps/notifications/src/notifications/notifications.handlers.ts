import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ListNotificationsRequest,
  MarkNotificationReadRequest,
  NotificationsRpc,
  NotificationsStreamRpc,
  ReplayNotificationsRequest,
  type NotificationReplay,
  type NotificationView,
  type Page,
} from '@plinth/contracts';
import { NotificationsService } from './notifications.service.js';

@Controller()
export class NotificationsHandlers {
  constructor(private readonly notifications: NotificationsService) {}

  @MessagePattern(NotificationsRpc.list)
  list(@Payload() request: ListNotificationsRequest): Promise<Page<NotificationView>> {
    return this.notifications.list(request);
  }

  @MessagePattern(NotificationsRpc.markRead)
  markRead(@Payload() request: MarkNotificationReadRequest): Promise<NotificationView> {
    return this.notifications.markRead(request.actor, request.notificationId);
  }

  @MessagePattern(NotificationsStreamRpc.replay)
  replay(@Payload() request: ReplayNotificationsRequest): Promise<NotificationReplay> {
    return this.notifications.replay(request);
  }
}
