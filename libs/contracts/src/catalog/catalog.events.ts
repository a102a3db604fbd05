import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsISO8601, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { EventData, EventEnvelopeDto } from '../common/event-envelope.js';
import { IsWellFormedText } from '../common/well-formed-text.js';
import { StockRejectionReasons, type StockRejectionReason } from './catalog.patterns.js';

/** Event-carried state: the whole product as of `version`, so a consumer can keep a read model without asking. */
export class ProductChangedData {
  @IsString() @IsWellFormedText() sku: string;
  @IsString() @IsWellFormedText() name: string;
  @IsString() @IsWellFormedText() description: string;
  @IsString() @IsWellFormedText() currency: string;
  @IsInt() @Min(0) unitPrice: number;
  @IsInt() @Min(0) stock: number;
  @IsInt() @Min(0) reserved: number;
  @IsInt() @Min(1) version: number;
  @IsISO8601({ strict: true }) updatedAt: string;
}
export class ProductChangedEvent extends EventEnvelopeDto<ProductChangedData> {
  static readonly VERSION = 1;
  @EventData(() => ProductChangedData) data: ProductChangedData;
}

export class StockLine {
  @IsString() @IsWellFormedText() sku: string;
  @IsInt() @Min(1) quantity: number;
}

export class StockReservedData {
  @IsUUID() orderId: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => StockLine) lines: StockLine[];
}
export class StockReservedEvent extends EventEnvelopeDto<StockReservedData> {
  static readonly VERSION = 1;
  @EventData(() => StockReservedData) data: StockReservedData;
}

export class RejectedStockLine extends StockLine {
  @IsIn(StockRejectionReasons) reason: StockRejectionReason;
  /** Units that could be ordered when the reservation was tried (0 for an unknown product). */
  @IsInt() @Min(0) available: number;
}

export class StockRejectedData {
  @IsUUID() orderId: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => RejectedStockLine) lines: RejectedStockLine[];
}
export class StockRejectedEvent extends EventEnvelopeDto<StockRejectedData> {
  static readonly VERSION = 1;
  @EventData(() => StockRejectedData) data: StockRejectedData;
}

export class StockReleasedData {
  @IsUUID() orderId: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => StockLine) lines: StockLine[];
}
export class StockReleasedEvent extends EventEnvelopeDto<StockReleasedData> {
  static readonly VERSION = 1;
  @EventData(() => StockReleasedData) data: StockReleasedData;
}
