import { Transform } from 'class-transformer';

// Decimal digits, no sign, no leading zeros, at most 15 digits (always a safe integer). `05`, `+5`, ` 5`, `1e1`
// and `0x10` are not integers written this way: Number() would read them as 5, 5, 5, 10 and 16.
const DECIMAL_INTEGER = /^(?:0|[1-9]\d{0,14})$/;

export const QUERY_INTEGER_DESCRIPTION = 'decimal digits only: no sign, no leading zeros, no exponent';

/**
 * A query-string integer: converted only when written as plain decimal digits; anything else stays a string,
 * so the property's @IsInt() refuses it (400) instead of the value being guessed.
 */
export const QueryInteger = (): PropertyDecorator =>
  Transform(({ value }) => (typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value));
