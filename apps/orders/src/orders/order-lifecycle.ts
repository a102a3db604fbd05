// The order state machine as data: the only place that decides which status may follow which.
import { ApplicationError, ErrorCodes, type OrderStatus } from '@plinth/contracts';

export const OrderTransitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['confirmed', 'rejected', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  rejected: [],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => OrderTransitions[from].includes(to);

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (canTransition(from, to)) return;
  throw new ApplicationError(ErrorCodes.ORDERS_ILLEGAL_TRANSITION, `An order cannot go from ${from} to ${to}`, { from, to });
}
