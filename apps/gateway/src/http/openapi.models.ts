import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NotificationView, OrderView, ProductView, SecurityEventView, UserProfile } from '@plinth/contracts';

// Response shapes that exist only at the HTTP edge, declared as classes so OpenAPI can describe them.

export class FieldErrorModel {
  @ApiProperty({ example: 'items.0.quantity' }) field: string;
  @ApiProperty({ example: 'quantity must not be less than 1' }) message: string;
}

export class ChangedPriceModel {
  @ApiProperty({ example: 'SKU-1' }) sku: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The unitPrice the request asserted', example: 1200 }) requestedUnitPrice: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The price the order would be placed at now', example: 1250 }) currentUnitPrice: number;
}

export class PriceChangedDetailsModel {
  @ApiProperty({ type: [ChangedPriceModel] }) lines: ChangedPriceModel[];
}

export class ProblemDetailsModel {
  @ApiProperty({ example: 'https://plinth.dev/problems/common-validation-failed' }) type: string;
  @ApiProperty({ example: 'Validation failed' }) title: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 }) status: number;
  @ApiProperty({ example: 'The request is invalid.' }) detail: string;
  @ApiProperty({ example: '/v1/orders' }) instance: string;
  @ApiProperty({ example: 'COMMON.VALIDATION_FAILED', description: 'Stable error code; never reused for another meaning' }) code: string;
  @ApiProperty({ example: '0b7e2c1e-4c1f-4a51-9a9e-2f0c2a8d1b6e', description: 'Echo of x-request-id' }) requestId: string;
  @ApiPropertyOptional({ type: [FieldErrorModel], description: 'Per-field problems (validation failures only)' }) errors?: FieldErrorModel[];
  @ApiPropertyOptional({ type: PriceChangedDetailsModel, description: 'ORDERS.PRICE_CHANGED only: the lines whose asserted price is not the current one, with the current price' })
  details?: PriceChangedDetailsModel;
  @ApiPropertyOptional({ description: 'AUTH.MFA_REQUIRED only: short-lived token for POST /v1/auth/login/mfa with a code', example: 'q0hPvyZ3Xh3v0cW1dGqf2lq3nQ0w8m1c5l7JbXxUq2E' }) mfaToken?: string;
}

const nextCursor = { type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' };

export class OrderPageModel {
  @ApiProperty({ type: [OrderView] }) items: OrderView[];
  @ApiProperty(nextCursor) nextCursor: string | null;
}

export class ProductPageModel {
  @ApiProperty({ type: [ProductView] }) items: ProductView[];
  @ApiProperty(nextCursor) nextCursor: string | null;
}

export class UserProfilePageModel {
  @ApiProperty({ type: [UserProfile] }) items: UserProfile[];
  @ApiProperty(nextCursor) nextCursor: string | null;
}

export class NotificationPageModel {
  @ApiProperty({ type: [NotificationView] }) items: NotificationView[];
  @ApiProperty(nextCursor) nextCursor: string | null;
}

export class SecurityEventPageModel {
  @ApiProperty({ type: [SecurityEventView] }) items: SecurityEventView[];
  @ApiProperty(nextCursor) nextCursor: string | null;
}
