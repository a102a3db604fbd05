import { ErrorCodes, MAX_ITEM_QUANTITY, MAX_ORDER_ITEMS, MAX_UNIT_PRICE } from '@plinth/contracts';
import { describe, expect, it } from 'vitest';
import { computeOrderTotal } from './order-total.js';

describe('computeOrderTotal', () => {
  it('sums quantity × unitPrice over all lines', () => {
    expect(computeOrderTotal([{ quantity: 2, unitPrice: 1999 }, { quantity: 3, unitPrice: 5 }])).toBe(4013);
  });

  it('counts free lines as zero', () => {
    expect(computeOrderTotal([{ quantity: 7, unitPrice: 0 }])).toBe(0);
  });

  it('stays exact at the contract maximum (100 lines × 1000 × 100,000,000)', () => {
    const lines = Array.from({ length: MAX_ORDER_ITEMS }, () => ({ quantity: MAX_ITEM_QUANTITY, unitPrice: MAX_UNIT_PRICE }));
    expect(computeOrderTotal(lines)).toBe(10_000_000_000_000);
  });

  it('refuses a line whose product is beyond Number.MAX_SAFE_INTEGER', () => {
    expect(() => computeOrderTotal([{ quantity: 1000, unitPrice: Number.MAX_SAFE_INTEGER }])).toThrow(
      expect.objectContaining({ code: ErrorCodes.VALIDATION_FAILED }),
    );
  });

  it('refuses a sum that crosses Number.MAX_SAFE_INTEGER even when every line is safe', () => {
    const half = Math.ceil(Number.MAX_SAFE_INTEGER / 2) + 1;
    expect(() => computeOrderTotal([{ quantity: 1, unitPrice: half }, { quantity: 1, unitPrice: half }])).toThrow(
      expect.objectContaining({ code: ErrorCodes.VALIDATION_FAILED }),
    );
  });

  it('refuses a fractional price instead of rounding it', () => {
    expect(() => computeOrderTotal([{ quantity: 1, unitPrice: 0.5 }])).toThrow(expect.objectContaining({ code: ErrorCodes.VALIDATION_FAILED }));
  });
});
