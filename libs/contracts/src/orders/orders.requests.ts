import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { Actor } from '../common/actor.js';
import { PageQuery } from '../common/pagination.js';
import { OrderStatuses, type OrderStatus } from './orders.patterns.js';
import { IsWellFormedText } from '../common/well-formed-text.js';

export const MAX_ORDER_ITEMS = 100;
export const MAX_ITEM_QUANTITY = 1000;
// Keeps quantity × price × items far below Number.MAX_SAFE_INTEGER, so totals stay exact integers.
export const MAX_UNIT_PRICE = 100_000_000;

export class OrderItemInput {
  @ApiProperty({ example: 'SKU-1001', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })
  @IsString() @IsWellFormedText() @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/) sku: string;

  @ApiProperty({ minimum: 1, maximum: MAX_ITEM_QUANTITY, example: 2 })
  @IsInt() @Min(1) @Max(MAX_ITEM_QUANTITY) quantity: number;

  @ApiPropertyOptional({
    description: 'The unit price (minor units, e.g. cents) the client showed; the server prices the order from the catalog, and refuses it with 409 ORDERS.PRICE_CHANGED when this differs',
    minimum: 0, maximum: MAX_UNIT_PRICE, example: 1999,
  })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_UNIT_PRICE) unitPrice?: number;
}

/** HTTP body of `POST /v1/orders`. */
export class CreateOrderBody {
  @ApiProperty({ description: 'ISO 4217 currency code', example: 'EUR', pattern: '^[A-Z]{3}$' })
  @IsString() @IsWellFormedText() @Matches(/^[A-Z]{3}$/) currency: string;

  @ApiProperty({ type: [OrderItemInput], minItems: 1, maxItems: MAX_ORDER_ITEMS })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ORDER_ITEMS) @ValidateNested({ each: true }) @Type(() => OrderItemInput)
  items: OrderItemInput[];
}

export class CreateOrderRequest extends CreateOrderBody {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  /** From the `Idempotency-Key` header; scoped to the actor. */
  @IsOptional() @IsString() @IsWellFormedText() @Matches(/^[\x21-\x7e]{1,128}$/) idempotencyKey?: string;
}

export class GetOrderRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() orderId: string;
}

export const MAX_ORDERS_PER_BATCH = 100;

/** Answered with the orders the actor may see among these (own ones; any for an admin); the others are left out. */
export class GetOrdersRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ORDERS_PER_BATCH) @IsUUID(undefined, { each: true }) orderIds: string[];
}

/** HTTP query of `GET /v1/orders`. */
export class ListOrdersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: OrderStatuses })
  @IsOptional() @IsIn(OrderStatuses) status?: OrderStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admins only: orders of this user' })
  @IsOptional() @IsUUID() userId?: string;
}

export class ListOrdersRequest extends ListOrdersQuery {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
}

export class CancelOrderRequest {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() orderId: string;
  /** From `If-Match`; absent means "whatever the current version is", still race-safe. */
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}

/** HTTP body of `POST /v1/orders/:id/status` (admin). */
export class ChangeOrderStatusBody {
  @ApiProperty({ enum: OrderStatuses, example: 'confirmed' })
  @IsIn(OrderStatuses) status: OrderStatus;
}

export class ChangeOrderStatusRequest extends ChangeOrderStatusBody {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsUUID() orderId: string;
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}
