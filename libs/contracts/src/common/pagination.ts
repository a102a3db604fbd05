import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsWellFormedText } from './well-formed-text.js';
import { QUERY_INTEGER_DESCRIPTION, QueryInteger } from './query-integer.js';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** `?limit=&cursor=`: the cursor is opaque to clients, produced by the service that owns the list. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT, description: `Page size; ${QUERY_INTEGER_DESCRIPTION}` })
  @IsOptional() @QueryInteger() @IsInt({ message: `$property must be an integer written in ${QUERY_INTEGER_DESCRIPTION}` }) @Min(1) @Max(MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page\'s `nextCursor`' })
  @IsOptional() @IsString() @IsWellFormedText() @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
