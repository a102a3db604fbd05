import { ApiProperty } from '@nestjs/swagger';
import { OrderStatuses, type OrderStatus } from './orders.patterns.js';

export class OrderItemView {
  @ApiProperty({ example: 'SKU-1001' }) sku: string;
  @ApiProperty({ type: 'integer', example: 2 }) quantity: number;
  @ApiProperty({ type: 'integer', description: 'Minor units', example: 1999 }) unitPrice: number;
}

export class OrderView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ enum: OrderStatuses }) status: OrderStatus;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ type: [OrderItemView] }) items: OrderItemView[];
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Sum of quantity × unitPrice, minor units', example: 3998 }) total: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Optimistic-lock version; send as If-Match to guard updates', example: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CreateOrderResult {
  order: OrderView;
  /** True when an earlier request with the same Idempotency-Key created this order. */
  replayed: boolean;
}
