import { ApiProperty } from '@nestjs/swagger';

export class ProductView {
  @ApiProperty({ example: 'SKU-1' }) sku: string;
  @ApiProperty({ example: 'Espresso machine' }) name: string;
  @ApiProperty({ example: 'Stainless steel, 15 bar', description: 'Empty when none was given' }) description: string;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Minor units', example: 1250 }) unitPrice: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Units on hand (reserved ones included)', example: 100 }) stock: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Units held by confirmed orders; stock − reserved can be ordered', example: 3 }) reserved: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Bumped on every change by an admin; send as If-Match to guard updates', example: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
