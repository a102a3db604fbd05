import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, NotEquals, ValidateNested,
} from 'class-validator';
import { Actor } from '../common/actor.js';
import { PageQuery } from '../common/pagination.js';
import { IsWellFormedText } from '../common/well-formed-text.js';
import { MAX_UNIT_PRICE } from '../orders/orders.requests.js';

export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
/** Keeps stock and reservations far inside a PostgreSQL integer. */
export const MAX_STOCK = 1_000_000_000;
export const MAX_PRODUCT_NAME_LENGTH = 200;
export const MAX_PRODUCT_DESCRIPTION_LENGTH = 2000;

/** HTTP body of `POST /v1/products` (admin). */
export class CreateProductBody {
  @ApiProperty({ example: 'SKU-1', pattern: SKU_PATTERN.source })
  @IsString() @IsWellFormedText() @Matches(SKU_PATTERN) sku: string;

  @ApiProperty({ example: 'Espresso machine', minLength: 1, maxLength: MAX_PRODUCT_NAME_LENGTH })
  @IsString() @IsWellFormedText() @MinLength(1) @MaxLength(MAX_PRODUCT_NAME_LENGTH) name: string;

  @ApiPropertyOptional({ example: 'Stainless steel, 15 bar', maxLength: MAX_PRODUCT_DESCRIPTION_LENGTH })
  @IsOptional() @IsString() @IsWellFormedText() @MaxLength(MAX_PRODUCT_DESCRIPTION_LENGTH) description?: string;

  @ApiProperty({ description: 'ISO 4217 currency code', example: 'EUR', pattern: CURRENCY_PATTERN.source })
  @IsString() @IsWellFormedText() @Matches(CURRENCY_PATTERN) currency: string;

  @ApiProperty({ description: 'Unit price in minor units (e.g. cents)', minimum: 0, maximum: MAX_UNIT_PRICE, example: 1250 })
  @IsInt() @Min(0) @Max(MAX_UNIT_PRICE) unitPrice: number;

  @ApiProperty({ description: 'Units on hand', minimum: 0, maximum: MAX_STOCK, example: 100 })
  @IsInt() @Min(0) @Max(MAX_STOCK) stock: number;
}

export class CreateProductRequest extends CreateProductBody {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
}

/** HTTP body of `PATCH /v1/products/{sku}` (admin): only the given fields change. */
export class UpdateProductBody {
  @ApiPropertyOptional({ example: 'Espresso machine', minLength: 1, maxLength: MAX_PRODUCT_NAME_LENGTH })
  @IsOptional() @IsString() @IsWellFormedText() @MinLength(1) @MaxLength(MAX_PRODUCT_NAME_LENGTH) name?: string;

  @ApiPropertyOptional({ example: 'Stainless steel, 15 bar', maxLength: MAX_PRODUCT_DESCRIPTION_LENGTH })
  @IsOptional() @IsString() @IsWellFormedText() @MaxLength(MAX_PRODUCT_DESCRIPTION_LENGTH) description?: string;

  @ApiPropertyOptional({ description: 'Unit price in minor units', minimum: 0, maximum: MAX_UNIT_PRICE, example: 1250 })
  @IsOptional() @IsInt() @Min(0) @Max(MAX_UNIT_PRICE) unitPrice?: number;
}

export class UpdateProductRequest extends UpdateProductBody {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsString() @IsWellFormedText() @Matches(SKU_PATTERN) sku: string;
  /** From `If-Match`; absent means "whatever the current version is". */
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}

/** HTTP body of `POST /v1/products/{sku}/stock` (admin). */
export class AdjustStockBody {
  @ApiProperty({ description: 'Units to add (restock) or, negative, to write off; stock never falls below what is reserved', minimum: -MAX_STOCK, maximum: MAX_STOCK, example: 10 })
  @IsInt() @NotEquals(0) @Min(-MAX_STOCK) @Max(MAX_STOCK) delta: number;
}

export class AdjustStockRequest extends AdjustStockBody {
  @IsDefined() @ValidateNested() @Type(() => Actor) actor: Actor;
  @IsString() @IsWellFormedText() @Matches(SKU_PATTERN) sku: string;
}

/** Public: no actor (anonymous reads, and orders filling its price read model). */
export class GetProductRequest {
  @IsString() @IsWellFormedText() @Matches(SKU_PATTERN) sku: string;
}

export const MAX_PRODUCTS_PER_BATCH = 100;

/** Public, like GetProductRequest. */
export class GetProductsRequest {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_PRODUCTS_PER_BATCH) @IsString({ each: true }) @IsWellFormedText({ each: true }) @Matches(SKU_PATTERN, { each: true }) skus: string[];
}

/** HTTP query of `GET /v1/products` and the RPC request: public, no actor. */
export class ListProductsRequest extends PageQuery {}
