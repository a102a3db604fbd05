import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { EventData, EventEnvelopeDto } from '../common/event-envelope.js';
import { OrderStatuses, type OrderStatus } from './orders.patterns.js';
import { IsWellFormedText } from '../common/well-formed-text.js';

export class OrderEventItem {
  @IsString() @IsWellFormedText() sku: string;
  @IsInt() @Min(1) quantity: number;
  @IsInt() @Min(0) unitPrice: number;
}

export class OrderCreatedData {
  @IsUUID() orderId: string;
  @IsUUID() userId: string;
  @IsIn(OrderStatuses) status: OrderStatus;
  @IsString() @IsWellFormedText() currency: string;
  @IsInt() @Min(0) total: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => OrderEventItem) items: OrderEventItem[];
}
export class OrderCreatedEvent extends EventEnvelopeDto<OrderCreatedData> {
  static readonly VERSION = 1;
  @EventData(() => OrderCreatedData) data: OrderCreatedData;
}

export class OrderStatusChangedData {
  @IsUUID() orderId: string;
  @IsUUID() userId: string;
  @IsIn(OrderStatuses) from: OrderStatus;
  @IsIn(OrderStatuses) to: OrderStatus;
  @IsInt() @Min(1) version: number;
}
export class OrderStatusChangedEvent extends EventEnvelopeDto<OrderStatusChangedData> {
  static readonly VERSION = 1;
  @EventData(() => OrderStatusChangedData) data: OrderStatusChangedData;
}
