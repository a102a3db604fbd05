import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module.js';
import { NotificationTriggersHandlers } from './notification-triggers.handlers.js';
import { NotificationsHandlers } from './notifications.handlers.js';
import { NotificationStore } from './notification-store.js';
import { NotificationsService } from './notifications.service.js';

@Module({
  imports: [EmailModule],
  controllers: [NotificationsHandlers, NotificationTriggersHandlers],
  providers: [NotificationsService, NotificationStore],
})
export class NotificationsModule {}
