import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  CatalogEvents,
  StockRejectedEvent,
  StockReleasedEvent,
  StockReservedEvent,
  type OrderCreatedEvent,
  type OrderStatusChangedEvent,
  type RejectedStockLine,
} from '@plinth/contracts';
import { createEvent, Inbox, Outbox, type OutboxMessage } from '@plinth/messaging';
import type { ReservationLine, ReservationStatus } from './stock-reservation.entity.js';

const SOURCE = 'catalog';

/** Inbox consumer names: stored with every processed event, so renaming one would make handled events look new. */
export const ReservationConsumers = {
  reserve: 'catalog.reserve-stock',
  release: 'catalog.release-stock',
} as const;

interface StockRow {
  sku: string;
  currency: string;
  stock: number;
  reserved: number;
}

/** An order's lines with one line per sku (quantities summed), in sku order: rows are locked in that order, so two
 * reservations never wait for each other in a cycle. */
export function reservationLines(items: readonly ReservationLine[]): ReservationLine[] {
  const bySku = new Map<string, number>();
  for (const { sku, quantity } of items) bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  return [...bySku].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }));
}

/** Which lines cannot be reserved from these (locked) rows, and why. */
export function refusedLines(lines: readonly ReservationLine[], rows: readonly StockRow[], currency: string): RejectedStockLine[] {
  const bySku = new Map(rows.map((row) => [row.sku, row]));
  const refused: RejectedStockLine[] = [];
  for (const line of lines) {
    const row = bySku.get(line.sku);
    if (!row) refused.push({ ...line, reason: 'unknown-product', available: 0 });
    else if (row.currency !== currency) refused.push({ ...line, reason: 'currency-mismatch', available: row.stock - row.reserved });
    else if (row.stock - row.reserved < line.quantity) refused.push({ ...line, reason: 'insufficient-stock', available: row.stock - row.reserved });
  }
  return refused;
}

/**
 * The catalog's side of the order saga. Each step is ONE transaction holding the inbox record, the stock change,
 * the order's reservation row and the outcome event: a redelivery finds the inbox record and does nothing, a crash
 * leaves nothing half-done, and the stock check runs on rows locked `for update` (plus the table's check
 * constraint), so concurrent orders can never reserve more than is on hand.
 */
@Injectable()
export class ReservationsService {
  constructor(
    private readonly inbox: Inbox,
    private readonly outbox: Outbox,
  ) {}

  /** All lines or none: reserved → `catalog.stock.reserved`; any line short → nothing held, `catalog.stock.rejected`. */
  async reserve(event: OrderCreatedEvent): Promise<void> {
    const { orderId, currency, items } = event.data;
    let committed: OutboxMessage[] = [];
    await this.inbox.process(event, ReservationConsumers.reserve, async (tx) => {
      // A row exists when the order was cancelled before its creation reached us (or a redelivery passed the inbox).
      if (await this.lockReservation(tx, orderId)) return;
      const lines = reservationLines(items);
      const rows = await tx.execute<StockRow[]>(
        `select "sku", "currency", "stock", "reserved" from "products"
          where "sku" in (select jsonb_array_elements_text(?::jsonb)) order by "sku" for update`,
        [JSON.stringify(lines.map((line) => line.sku))],
      );
      const refused = refusedLines(lines, rows, currency);
      const meta = { source: SOURCE, correlationId: event.correlationId };
      if (refused.length > 0) {
        await this.insertReservation(tx, orderId, 'rejected', lines);
        committed = this.outbox.add(tx, createEvent(CatalogEvents.stockRejected, StockRejectedEvent.VERSION, { orderId, lines: refused }, meta));
        return;
      }
      await this.changeReserved(tx, lines, 1);
      await this.insertReservation(tx, orderId, 'reserved', lines);
      committed = this.outbox.add(tx, createEvent(CatalogEvents.stockReserved, StockReservedEvent.VERSION, { orderId, lines }, meta));
    });
    this.outbox.notifyCommitted(committed);
  }

  /**
   * The compensation: a cancelled order gives its reservation back (`catalog.stock.released`). Cancelled before we
   * saw it created: a `released` row without lines, so the late creation reserves nothing.
   */
  async releaseIfCancelled(event: OrderStatusChangedEvent): Promise<void> {
    if (event.data.to !== 'cancelled') return;
    const { orderId } = event.data;
    let committed: OutboxMessage[] = [];
    await this.inbox.process(event, ReservationConsumers.release, async (tx) => {
      const reservation = await this.lockReservation(tx, orderId);
      if (!reservation) {
        await this.insertReservation(tx, orderId, 'released', []);
        return;
      }
      if (reservation.status !== 'reserved') return;
      await this.changeReserved(tx, reservation.lines, -1);
      await tx.execute(`update "stock_reservations" set "status" = 'released', "updated_at" = now() where "order_id" = ?`, [orderId]);
      const data = { orderId, lines: reservation.lines };
      committed = this.outbox.add(tx, createEvent(CatalogEvents.stockReleased, StockReleasedEvent.VERSION, data, { source: SOURCE, correlationId: event.correlationId }));
    });
    this.outbox.notifyCommitted(committed);
  }

  /** reserved += sign × quantity for every line, in one statement (the lines travel as one jsonb parameter). */
  private async changeReserved(tx: EntityManager, lines: readonly ReservationLine[], sign: 1 | -1): Promise<void> {
    await tx.execute(
      `update "products" as p set "reserved" = p."reserved" + ? * l."quantity"
        from jsonb_to_recordset(?::jsonb) as l("sku" text, "quantity" int) where p."sku" = l."sku"`,
      [sign, JSON.stringify(lines)],
    );
  }

  private async lockReservation(tx: EntityManager, orderId: string): Promise<{ status: ReservationStatus; lines: ReservationLine[] } | undefined> {
    const [row] = await tx.execute<{ status: ReservationStatus; lines: ReservationLine[] }[]>(
      `select "status", "lines" from "stock_reservations" where "order_id" = ? for update`,
      [orderId],
    );
    return row;
  }

  // Two first deliveries racing for one order: the second insert fails on the primary key, its transaction rolls
  // back (inbox record included) and the retry finds the first one's row.
  private async insertReservation(tx: EntityManager, orderId: string, status: ReservationStatus, lines: ReservationLine[]): Promise<void> {
    await tx.execute(
      `insert into "stock_reservations" ("order_id", "status", "lines", "created_at", "updated_at") values (?, ?, ?::jsonb, now(), now())`,
      [orderId, status, JSON.stringify(lines)],
    );
  }
}
