import { OptimisticLockError, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import { EntityManager, type QBFilterQuery } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  ApplicationError,
  DEFAULT_PAGE_LIMIT,
  ErrorCodes,
  isAdmin,
  OrderCreatedEvent,
  OrdersEvents,
  OrderStatusChangedEvent,
  type Actor,
  type CancelOrderRequest,
  type ChangeOrderStatusRequest,
  type CreateOrderRequest,
  type CreateOrderResult,
  type GetOrderRequest,
  type GetOrdersRequest,
  type ListOrdersRequest,
  type OrderCreatedData,
  type OrderStatus,
  type OrderStatusChangedData,
  type OrderView,
  type Page,
} from '@plinth/contracts';
import { createEvent, Outbox, type OutboxMessage } from '@plinth/messaging';
import { decodeCursor, toKeysetPage } from '@plinth/persistence';
import { OrdersConfig } from '../config.js';
import { insertOrder } from './insert-order.statement.js';
import { OrderIdempotencyKey } from './order-idempotency-key.entity.js';
import { Order, type OrderLine } from './order.entity.js';
import { assertTransition } from './order-lifecycle.js';
import { toOrderView } from './order.mapper.js';
import { computeOrderTotal } from './order-total.js';
import { priceOrderLines } from './order-pricing.js';
import { PriceReadModel } from '../prices/price-read-model.js';
import { createOrderRequestHash } from './request-hash.js';

const SOURCE = 'orders';

/** An orders row as the query builder returns it unhydrated: bigint columns arrive as strings. */
type OrderRow = Omit<Order, 'total'> & { total: string | number };

const notFound = (orderId: string) => new ApplicationError(ErrorCodes.ORDERS_NOT_FOUND, `Order ${orderId} not found`);
const versionConflict = (orderId: string, details: { expectedVersion?: number; currentVersion?: number } = {}) =>
  new ApplicationError(ErrorCodes.ORDERS_VERSION_CONFLICT, `Order ${orderId} was modified concurrently; reload and retry`, details);

/**
 * Orders use cases. Every state change and its event are written together (one statement or one transaction),
 * and handed to the relay only after the commit, so an event exists if and only if its change does.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: Outbox,
    private readonly config: OrdersConfig,
    private readonly prices: PriceReadModel,
  ) {}

  /**
   * `retried`: this is the second try after the key's record turned out expired (or pruned meanwhile); a second
   * conflict then is a live record, replayed or refused.
   */
  async create(request: CreateOrderRequest, retried = false): Promise<CreateOrderResult> {
    const { actor, currency, idempotencyKey } = request;
    const em = this.em.fork();
    const priced = await this.priceLines(request);
    if ('replayed' in priced) return priced.replayed;
    const { lines } = priced;
    const order = Object.assign(new Order(), { userId: actor.userId, currency, items: lines, total: computeOrderTotal(lines) });
    const spentKey = idempotencyKey === undefined ? undefined : { key: idempotencyKey, requestHash: createOrderRequestHash(request) };
    const keyRow = spentKey && Object.assign(new OrderIdempotencyKey(), { userId: actor.userId, ...spentKey, order });
    const outboxRows = this.outbox.rowsFor(this.orderCreatedEvent(order));
    try {
      // One statement, one round trip: the order, its key and its event are written together or not at all.
      // Insert first, look up only on conflict: a fresh key (the common case) costs no extra round trip, and the
      // key's primary key lets exactly one of several concurrent first requests commit.
      await insertOrder(em, order, keyRow, outboxRows[0] as OutboxMessage);
    } catch (error) {
      if (!spentKey || !(error instanceof UniqueConstraintViolationException)) throw error;
      const replayed = await this.replay(actor, spentKey);
      if (replayed) return replayed;
      if (retried) throw new ApplicationError(ErrorCodes.INTERNAL, 'Idempotency record vanished twice after a key conflict');
      return this.create(request, true);
    }
    this.outbox.notifyCommitted(outboxRows);
    return { order: toOrderView(order), replayed: false };
  }

  /**
   * The lines at the read model's prices. A refusal (price changed, unknown product, other currency) yields to a
   * spent Idempotency-Key: a client retrying a request that created its order gets that order (or the key's
   * mismatch), even when the price has changed since.
   */
  private async priceLines(request: CreateOrderRequest): Promise<{ lines: OrderLine[] } | { replayed: CreateOrderResult }> {
    const { actor, currency, items, idempotencyKey } = request;
    try {
      return { lines: priceOrderLines(currency, items, await this.prices.pricesOf(items.map((item) => item.sku))) };
    } catch (error) {
      if (idempotencyKey === undefined || !(error instanceof ApplicationError)) throw error;
      const replayed = await this.replay(actor, { key: idempotencyKey, requestHash: createOrderRequestHash(request) });
      if (replayed) return { replayed };
      throw error;
    }
  }

  async get({ actor, orderId }: GetOrderRequest): Promise<OrderView> {
    return toOrderView(await this.findVisible(this.em.fork(), actor, orderId));
  }

  /** The orders among `orderIds` the actor may see (own ones; any for an admin); the rest are left out, as if absent. */
  async getMany({ actor, orderIds }: GetOrdersRequest): Promise<OrderView[]> {
    const ids = [...new Set(orderIds)];
    const where: FilterQuery<Order> = isAdmin(actor) ? { id: { $in: ids } } : { id: { $in: ids }, userId: actor.userId };
    return (await this.em.fork().find(Order, where, { orderBy: { id: 'asc' } })).map(toOrderView);
  }

  /** Newest first, keyset-paginated on (createdAt desc, id desc) so pages never skip or repeat rows. */
  async list({ actor, status, userId, limit = DEFAULT_PAGE_LIMIT, cursor }: ListOrdersRequest): Promise<Page<OrderView>> {
    const where: QBFilterQuery<Order> = {};
    const ownerId = this.listOwner(actor, userId);
    if (ownerId !== undefined) where.userId = ownerId;
    if (status !== undefined) where.status = status;
    if (cursor !== undefined) {
      const after = decodeCursor(cursor);
      // `createdAt <= t` bounds the index range scan; the $or breaks ties on equal timestamps by id.
      where.createdAt = { $lte: after.createdAt };
      where.$or = [{ createdAt: { $lt: after.createdAt } }, { id: { $lt: after.id } }];
    }
    // Plain rows, not entities: a page is read-only, and skipping hydration and the identity map made a page
    // of 20 about 40 % cheaper to read (3.5 → 2.2 ms per call, same run). Only the bigint total needs converting.
    const rows = await this.em
      .fork()
      .createQueryBuilder(Order)
      .select('*')
      .where(where)
      .orderBy({ createdAt: 'desc', id: 'desc' })
      .limit(limit + 1)
      .execute<OrderRow[]>('all', true);
    return toKeysetPage(rows, limit, (row) => toOrderView({ ...row, total: Number(row.total) }));
  }

  /** Owner (or admin) cancels; only pending and confirmed orders can be cancelled (the lifecycle decides). */
  async cancel({ actor, orderId, expectedVersion }: CancelOrderRequest): Promise<OrderView> {
    const em = this.em.fork();
    const order = await this.findVisible(em, actor, orderId);
    return this.transition(em, order, 'cancelled', expectedVersion);
  }

  async changeStatus({ actor, orderId, status, expectedVersion }: ChangeOrderStatusRequest): Promise<OrderView> {
    if (!isAdmin(actor)) throw new ApplicationError(ErrorCodes.FORBIDDEN, 'Only admins change an order\'s status');
    const em = this.em.fork();
    const order = await em.findOne(Order, { id: orderId });
    if (!order) throw notFound(orderId);
    return this.transition(em, order, status, expectedVersion);
  }

  /**
   * The UPDATE is conditioned on the version read above (MikroORM `version: true`), so a concurrent
   * writer that got there first makes this one fail with VERSION_CONFLICT instead of being overwritten.
   */
  private async transition(em: EntityManager, order: Order, to: OrderStatus, expectedVersion: number | undefined): Promise<OrderView> {
    if (expectedVersion !== undefined && expectedVersion !== order.version) {
      throw versionConflict(order.id, { expectedVersion, currentVersion: order.version });
    }
    const from = order.status;
    assertTransition(from, to);
    order.status = to;
    const data: OrderStatusChangedData = { orderId: order.id, userId: order.userId, from, to, version: order.version + 1 };
    const outboxRows = this.outbox.add(em, createEvent(OrdersEvents.orderStatusChanged, OrderStatusChangedEvent.VERSION, data, { source: SOURCE }));
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof OptimisticLockError) throw versionConflict(order.id);
      throw error;
    }
    this.outbox.notifyCommitted(outboxRows);
    return toOrderView(order);
  }

  /** Someone else's order is indistinguishable from a missing one, so ids cannot be probed. */
  private async findVisible(em: EntityManager, actor: Actor, orderId: string): Promise<Order> {
    const where: FilterQuery<Order> = isAdmin(actor) ? { id: orderId } : { id: orderId, userId: actor.userId };
    const order = await em.findOne(Order, where);
    if (!order) throw notFound(orderId);
    return order;
  }

  /**
   * Whose orders a list shows: a customer always their own (asking for another user's is FORBIDDEN —
   * the filter is an admin feature, and refusing tells nothing about that user); an admin the given
   * user's, or everyone's when no userId is given.
   */
  private listOwner(actor: Actor, userId: string | undefined): string | undefined {
    if (isAdmin(actor)) return userId;
    if (userId !== undefined && userId !== actor.userId) {
      throw new ApplicationError(ErrorCodes.FORBIDDEN, 'Only admins list other users\' orders');
    }
    return actor.userId;
  }

  /**
   * The key was spent already (earlier or by a concurrent request): same body → that order, else refuse. A record
   * older than IDEMPOTENCY_KEY_TTL_HOURS no longer counts: it is deleted (only if still expired, so a concurrent
   * fresh one survives) and undefined tells the caller to create the order anew; so does a record pruned meanwhile.
   */
  private async replay(actor: Actor, { key, requestHash }: { key: string; requestHash: string }): Promise<CreateOrderResult | undefined> {
    const em = this.em.fork();
    const record = await em.findOne(OrderIdempotencyKey, { userId: actor.userId, key }, { populate: ['order'], strategy: 'joined' });
    if (!record) return undefined;
    const expiredBefore = new Date(Date.now() - this.config.IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000);
    if (record.createdAt < expiredBefore) {
      await em.nativeDelete(OrderIdempotencyKey, { userId: actor.userId, key, createdAt: { $lt: expiredBefore } });
      return undefined;
    }
    if (record.requestHash !== requestHash) {
      throw new ApplicationError(ErrorCodes.ORDERS_IDEMPOTENCY_MISMATCH, 'This Idempotency-Key was already used with a different request body');
    }
    return { order: toOrderView(record.order), replayed: true };
  }

  private orderCreatedEvent(order: Order) {
    const data: OrderCreatedData = {
      orderId: order.id,
      userId: order.userId,
      status: order.status,
      currency: order.currency,
      total: order.total,
      items: order.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
    };
    return createEvent(OrdersEvents.orderCreated, OrderCreatedEvent.VERSION, data, { source: SOURCE });
  }
}
