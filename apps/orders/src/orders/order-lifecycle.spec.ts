import { ErrorCodes, OrderStatuses, type OrderStatus } from '@plinth/contracts';
import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition } from './order-lifecycle.js';

const legal: ReadonlyArray<[OrderStatus, OrderStatus]> = [
  ['pending', 'confirmed'],
  ['pending', 'rejected'],
  ['pending', 'cancelled'],
  ['confirmed', 'shipped'],
  ['confirmed', 'cancelled'],
  ['shipped', 'delivered'],
];
const isLegal = (from: OrderStatus, to: OrderStatus) => legal.some(([f, t]) => f === from && t === to);
const illegal = OrderStatuses.flatMap((from) => OrderStatuses.map((to) => [from, to] as [OrderStatus, OrderStatus])).filter(
  ([from, to]) => !isLegal(from, to),
);

describe('order lifecycle', () => {
  it.each(legal)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it('classifies all 36 status pairs: exactly 6 legal, 30 illegal', () => {
    expect(illegal).toHaveLength(30);
  });

  it.each(illegal)('refuses %s → %s with ORDERS.ILLEGAL_TRANSITION naming both statuses', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    expect(() => assertTransition(from, to)).toThrow(
      expect.objectContaining({ code: ErrorCodes.ORDERS_ILLEGAL_TRANSITION, details: { from, to } }),
    );
  });
});
