import { Module } from '@nestjs/common';
import { AccountEmailsModule } from './account-emails/account-emails.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';

/** The notifications service's features; bootstrapService adds persistence, messaging, health and logging around it. */
@Module({ imports: [NotificationsModule, AccountEmailsModule] })
export class NotificationsAppModule {}
