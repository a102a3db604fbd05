import { type Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

export type ReservationStatus = 'reserved' | 'rejected' | 'released';

export interface ReservationLine {
  sku: string;
  quantity: number;
}

/**
 * What the saga did for one order: the lines it holds (`reserved`), or that it refused them (`rejected`), or that they
 * were given back (`released`). One row per order makes every step idempotent whatever the order of the events: a
 * cancellation that arrives before the order's creation leaves a `released` row, so the late creation reserves nothing.
 */
@Entity({ tableName: 'stock_reservations' })
export class StockReservation {
  @PrimaryKey({ type: 'uuid' })
  orderId: string;

  @Property({ type: 'string', length: 16 })
  status: ReservationStatus;

  @Property({ type: 'json', columnType: 'jsonb' })
  lines: ReservationLine[];

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date & Opt = new Date();
}
