import { Module } from '@nestjs/common';
import { NotificationsModule } from './notifications/notifications.module.js';

/** The notifications service's features; bootstrapService adds persistence, messaging, health and logging around it. */
@Module({ imports: [NotificationsModule] })
export class NotificationsAppModule {}
