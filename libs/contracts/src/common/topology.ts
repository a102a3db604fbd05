import { AuthEvents } from '../auth/auth.patterns.js';
import { NotificationsEvents } from '../notifications/notifications.patterns.js';
import { OrdersEvents } from '../orders/orders.patterns.js';

/** The topic exchange every event is published to, with the event type as routing key. */
export const EVENTS_EXCHANGE = 'plinth.events';

/** Services that answer RPC on their durable queue `<service>.rpc`. */
export const RpcServices = ['auth', 'users', 'orders', 'notifications'] as const;
export type RpcService = (typeof RpcServices)[number];

/**
 * Durable, shared subscriptions: each service's queue `<service>.events` receives every event it
 * lists, whether or not the service is running, and its replicas compete for them.
 */
export const DurableSubscriptions: Readonly<Record<string, readonly string[]>> = {
  users: [AuthEvents.userRegistered, AuthEvents.emailVerified],
  notifications: [AuthEvents.userRegistered, OrdersEvents.orderCreated, OrdersEvents.orderStatusChanged, AuthEvents.accountEmailRequested],
};

/**
 * Per-instance subscriptions: every replica gets its own exclusive, auto-delete queue, because each
 * one must see every event (session revocations, live notifications for its own SSE clients).
 */
// Every service verifies access tokens (libs/access-tokens), so every replica must hear every revocation.
const REVOCATIONS = [AuthEvents.sessionRevoked, AuthEvents.rolesChanged] as const;

export const BroadcastSubscriptions: Readonly<Record<string, readonly string[]>> = {
  gateway: [...REVOCATIONS, NotificationsEvents.notificationCreated],
  auth: REVOCATIONS,
  users: REVOCATIONS,
  orders: REVOCATIONS,
  notifications: REVOCATIONS,
};

/**
 * Who publishes which events to the events exchange (through its outbox). The broker lets each service publish
 * only these routing keys (topic permissions generated from this map): a service cannot forge another's events.
 */
export const EventPublishers: Readonly<Record<string, readonly string[]>> = {
  auth: Object.values(AuthEvents),
  orders: Object.values(OrdersEvents),
  notifications: Object.values(NotificationsEvents),
};

/**
 * Whose RPC each service calls. Every service calls auth (signing keys, revocation catch-up, libs/access-tokens);
 * the gateway calls everyone; notifications asks users for an e-mail recipient.
 */
export const RpcCalls: Readonly<Record<string, readonly RpcService[]>> = {
  gateway: RpcServices,
  auth: [],
  users: ['auth'],
  orders: ['auth'],
  notifications: ['auth', 'users'],
};

/** The service an RPC pattern is addressed to: its first segment (`orders.create` → `orders`). */
export const rpcServiceOf = (pattern: string): string => pattern.slice(0, pattern.indexOf('.'));
