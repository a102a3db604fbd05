import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsObject, IsString, IsUUID } from 'class-validator';
import { NotificationTypes, type NotificationType } from './notifications.patterns.js';
import { IsWellFormedText } from '../common/well-formed-text.js';

export class NotificationView {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id: string;
  @ApiProperty({ enum: NotificationTypes }) @IsIn(NotificationTypes) type: NotificationType;
  @ApiProperty({ example: 'Order received' }) @IsString() @IsWellFormedText() title: string;
  @ApiProperty({ example: 'We received your order of 2 items (EUR 39.98).' }) @IsString() @IsWellFormedText() body: string;
  @ApiProperty() @IsBoolean() read: boolean;
  @ApiProperty({ format: 'date-time' }) @IsISO8601() createdAt: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Event-specific references, e.g. orderId' })
  @IsObject() data: Record<string, unknown>;
}
