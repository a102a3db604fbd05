import { describe, expect, it } from 'vitest';
import { formatMoney } from './money-format.js';

describe('formatMoney', () => {
  it('formats a two-decimal currency from minor units', () => {
    expect(formatMoney(3998, 'EUR')).toBe('EUR 39.98');
  });

  it('keeps leading zeros of amounts below one major unit', () => {
    expect(formatMoney(5, 'USD')).toBe('USD 0.05');
  });

  it('formats zero', () => {
    expect(formatMoney(0, 'EUR')).toBe('EUR 0.00');
  });

  it('groups thousands', () => {
    expect(formatMoney(123456789, 'USD')).toBe('USD 1,234,567.89');
  });

  it('uses no decimals for a zero-decimal currency', () => {
    expect(formatMoney(1500, 'JPY')).toBe('JPY 1,500');
  });

  it('uses three decimals for a three-decimal currency', () => {
    expect(formatMoney(1234, 'KWD')).toBe('KWD 1.234');
  });

  it('keeps every digit of the largest safe integer', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'EUR')).toBe('EUR 90,071,992,547,409.91');
  });

  it('upper-cases the currency code', () => {
    expect(formatMoney(100, 'eur')).toBe('EUR 1.00');
  });

  it('falls back to two decimals for a code ICU rejects', () => {
    expect(formatMoney(1999, 'E1')).toBe('E1 19.99');
  });
});
