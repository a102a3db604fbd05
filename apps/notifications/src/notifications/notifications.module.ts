import { Module } from '@nestjs/common';
import { NotificationTriggersHandlers } from './notification-triggers.handlers.js';
import { NotificationsHandlers } from './notifications.handlers.js';
import { NotificationsService } from './notifications.service.js';

@Module({
  controllers: [NotificationsHandlers, NotificationTriggersHandlers],
  providers: [NotificationsService],
})
export class NotificationsModule {}
