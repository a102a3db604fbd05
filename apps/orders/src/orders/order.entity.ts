import { BigIntType, type Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { OrderStatus } from '@plinth/contracts';
import { v7 as uuidv7 } from 'uuid';

/** One line of an order; immutable once the order exists. */
export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}

/**
 * Lines live in a jsonb column, not a child table: they never change after creation and are always
 * read with their order, so a create is one INSERT and a page of orders one SELECT, never N+1.
 */
@Entity({ tableName: 'orders' })
// Raw DDL on purpose: MikroORM 7.2.1's index introspection finds `id` inside `user_id` and loses the
// DESC of the real `id` column, so a `columns` definition would show up as a schema diff forever.
@Index({
  name: 'orders_user_id_created_at_id_index',
  expression: 'create index "orders_user_id_created_at_id_index" on "orders" ("user_id", "created_at" desc, "id" desc)',
})
@Index({ name: 'orders_created_at_id_index', columns: [{ name: 'created_at', sort: 'desc' }, { name: 'id', sort: 'desc' }] })
// Leads with status, so it also serves "all orders with status X, newest first" for admins.
@Index({
  name: 'orders_status_created_at_id_index',
  columns: [{ name: 'status' }, { name: 'created_at', sort: 'desc' }, { name: 'id', sort: 'desc' }],
})
export class Order {
  // v7: time-ordered ids append to the right edge of the primary-key index instead of splitting random pages.
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'uuid' })
  userId: string;

  @Property({ type: 'string', length: 16 })
  status: OrderStatus & Opt = 'pending';

  @Property({ type: 'string', length: 3 })
  currency: string;

  @Property({ type: 'json', columnType: 'jsonb' })
  items: OrderLine[];

  // bigint column, JS number: the total is kept within Number.MAX_SAFE_INTEGER when computed.
  @Property({ type: new BigIntType('number'), columnType: 'bigint' })
  total: number;

  @Property({ type: 'integer', version: true })
  version: number & Opt = 1;

  // Millisecond precision, set by the app: keyset cursors carry JS Dates, which must compare exactly.
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
