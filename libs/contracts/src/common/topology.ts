import { AuthEvents } from '../auth/auth.patterns.js';
import { CatalogEvents } from '../catalog/catalog.patterns.js';
import { NotificationsEvents } from '../notifications/notifications.patterns.js';
import { OrdersEvents } from '../orders/orders.patterns.js';

/** The topic exchange every event is published to, with the event type as routing key. */
export const EVENTS_EXCHANGE = 'plinth.events';

/** Services that answer RPC on their durable queue `<service>.rpc`. */
export const RpcServices = ['auth', 'users', 'orders', 'notifications', 'catalog'] as const;
export type RpcService = (typeof RpcServices)[number];

/**
 * Durable, shared subscriptions: each service's queue `<service>.events` receives every event it
 * lists, whether or not the service is running, and its replicas compete for them.
 */
export const DurableSubscriptions: Readonly<Record<string, readonly string[]>> = {
  users: [AuthEvents.userRegistered],
  notifications: [AuthEvents.userRegistered, OrdersEvents.orderCreated, OrdersEvents.orderStatusChanged],
  // The saga: orders hears the reservation's outcome and keeps its price read model from the product events.
  orders: [CatalogEvents.productCreated, CatalogEvents.productUpdated, CatalogEvents.stockReserved, CatalogEvents.stockRejected],
  // The saga: reserve on order created, release on cancelled.
  catalog: [OrdersEvents.orderCreated, OrdersEvents.orderStatusChanged],
};

/**
 * Per-instance subscriptions: every replica gets its own exclusive, auto-delete queue, because each
 * one must see every event (session revocations, live notifications for its own SSE clients).
 */
// Every service verifies access tokens (libs/access-tokens), so every replica must hear every revocation.
const REVOCATIONS = [AuthEvents.sessionRevoked, AuthEvents.rolesChanged] as const;

export const BroadcastSubscriptions: Readonly<Record<string, readonly string[]>> = {
  // Product events evict the replica's cached product reads (every replica, or one would serve a stale price).
  gateway: [...REVOCATIONS, NotificationsEvents.notificationCreated, CatalogEvents.productCreated, CatalogEvents.productUpdated],
  auth: REVOCATIONS,
  users: REVOCATIONS,
  orders: REVOCATIONS,
  notifications: REVOCATIONS,
  catalog: REVOCATIONS,
};

/** The service an RPC pattern is addressed to: its first segment (`orders.create` → `orders`). */
export const rpcServiceOf = (pattern: string): string => pattern.slice(0, pattern.indexOf('.'));
