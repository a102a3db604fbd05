import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { ServiceClient } from '../http/service-client.js';
import { NotificationCreatedHandlers } from './notification-created.handlers.js';
import { NotificationStreamController } from './notification-stream.controller.js';
import { NotificationStreams } from './notification-streams.js';

/** `GET /v1/notifications/stream` and the broadcast events that feed it. */
@Module({
  imports: [AccessModule],
  controllers: [NotificationStreamController, NotificationCreatedHandlers],
  providers: [NotificationStreams, ServiceClient],
  exports: [NotificationStreams],
})
export class NotificationStreamModule {}
