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
  users: [AuthEvents.userRegistered, AuthEvents.emailVerified],
  notifications: [AuthEvents.userRegistered, OrdersEvents.orderCreated, OrdersEvents.orderStatusChanged, AuthEvents.accountEmailRequested],
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
  // Product and stock events evict the product from the shared cache (a reservation changes a product's reserved units).
  gateway: [
    ...REVOCATIONS,
    NotificationsEvents.notificationCreated,
    CatalogEvents.productCreated,
    CatalogEvents.productUpdated,
    CatalogEvents.stockReserved,
    CatalogEvents.stockReleased,
  ],
  auth: REVOCATIONS,
  users: REVOCATIONS,
  orders: REVOCATIONS,
  notifications: REVOCATIONS,
  catalog: REVOCATIONS,
};

/**
 * Who publishes which events to the events exchange (through its outbox). The broker lets each service publish
 * only these routing keys (topic permissions generated from this map): a service cannot forge another's events.
 */
export const EventPublishers: Readonly<Record<string, readonly string[]>> = {
  auth: Object.values(AuthEvents),
  orders: Object.values(OrdersEvents),
  notifications: Object.values(NotificationsEvents),
  catalog: Object.values(CatalogEvents),
};

/**
 * Whose RPC each service calls. Every service calls auth (signing keys, revocation catch-up, libs/access-tokens);
 * the gateway calls everyone; notifications asks users for an e-mail recipient; orders pages catalog's prices to warm
 * its read model.
 */
export const RpcCalls: Readonly<Record<string, readonly RpcService[]>> = {
  gateway: RpcServices,
  auth: [],
  users: ['auth'],
  orders: ['auth', 'catalog'],
  notifications: ['auth', 'users'],
  catalog: ['auth'],
};

/** The service an RPC pattern is addressed to: its first segment (`orders.create` → `orders`). */
export const rpcServiceOf = (pattern: string): string => pattern.slice(0, pattern.indexOf('.'));
