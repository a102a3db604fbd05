import { PrimaryKeyProp } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Order } from './order.entity.js';

/**
 * An Idempotency-Key a user has already spent: which order it created and a hash of the body it came
 * with. The composite primary key (user_id, key) is the uniqueness guarantee concurrent creates race on.
 */
@Entity({ tableName: 'order_idempotency_keys' })
export class OrderIdempotencyKey {
  [PrimaryKeyProp]?: ['userId', 'key'];

  @PrimaryKey({ type: 'uuid' })
  userId: string;

  @PrimaryKey({ type: 'string', length: 128 })
  key: string;

  /** sha256 hex of the canonical request body. */
  @Property({ type: 'string', length: 64 })
  requestHash: string;

  @ManyToOne(() => Order, { deleteRule: 'cascade' })
  order: Order;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();
}
