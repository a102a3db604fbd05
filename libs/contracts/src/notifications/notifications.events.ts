import { Type } from 'class-transformer';
import { IsInt, IsUUID, Min, ValidateNested } from 'class-validator';
import { EventData, EventEnvelopeDto } from '../common/event-envelope.js';
import { NotificationView } from './notifications.responses.js';

export class NotificationCreatedData {
  @IsUUID() userId: string;
  /** The notification's place in its user's stream (see notifications-stream.ts): the SSE event id. */
  @IsInt() @Min(1) sequence: number;
  @ValidateNested() @Type(() => NotificationView) notification: NotificationView;
}
export class NotificationCreatedEvent extends EventEnvelopeDto<NotificationCreatedData> {
  static readonly VERSION = 1;
  @EventData(() => NotificationCreatedData) data: NotificationCreatedData;
}
