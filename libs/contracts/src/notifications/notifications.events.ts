import { Type } from 'class-transformer';
import { IsUUID, ValidateNested } from 'class-validator';
import { EventData, EventEnvelopeDto } from '../common/event-envelope.js';
import { NotificationView } from './notifications.responses.js';

export class NotificationCreatedData {
  @IsUUID() userId: string;
  @ValidateNested() @Type(() => NotificationView) notification: NotificationView;
}
export class NotificationCreatedEvent extends EventEnvelopeDto<NotificationCreatedData> {
  static readonly VERSION = 1;
  @EventData(() => NotificationCreatedData) data: NotificationCreatedData;
}
