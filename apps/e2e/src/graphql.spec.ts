// GraphQL at the edge end to end: every service a separate process, a plain-fetch GraphQL client and graphql-ws,
// the same rules as REST (tokens, RBAC, object-level authorization, contract validation, codes, limits), and the
// fan-out batched: RPCs counted from the services' own /metrics (messaging_handler_duration_seconds_count).
import { createHash } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { ErrorCodes, UsersRpc, type NotificationView } from '@plinth/contracts';
import type { RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { eventually } from './support/eventually.js';
import { GraphqlClient } from './support/graphql-client.js';
import { PlinthApi, type RegisteredUser } from './support/plinth-api.js';
import { parseExposition, total } from './support/prometheus-exposition.js';

vi.setConfig({ testTimeout: 90_000 });

let system: RunningSystem;
let api: PlinthApi;
let graphql: GraphqlClient;
let customer: RegisteredUser;
let other: RegisteredUser;
let adminToken: string;
const subscribers: Client[] = [];

beforeAll(async () => {
  // users at debug logs every RPC it completes, with the request id the gateway forwarded.
  system = await startE2eSystem({ serviceEnv: { users: { LOG_LEVEL: 'debug' } } });
  api = new PlinthApi(system.gatewayUrl);
  graphql = new GraphqlClient(system.gatewayUrl);
  [customer, other] = [await api.register('graphql'), await api.register('graphql-other')];
  adminToken = (await api.login(ADMIN.email, ADMIN.password)).accessToken;
}, SYSTEM_START_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(subscribers.map((subscriber) => subscriber.dispose()));
  await stopE2eSystem(system, 'graphql');
}, 60_000);

const PLACE_ORDER = `mutation($input: PlaceOrderInput!, $key: String) {
  placeOrder(input: $input, idempotencyKey: $key) { replayed order { id status total version items { sku quantity unitPrice } } } }`;
const input = { currency: 'EUR', items: [{ sku: 'SKU-1001', quantity: 2, unitPrice: 1999 }] };
interface Placed { placeOrder: { replayed: boolean; order: { id: string; status: string; total: number; version: number } } }

/** RPCs a service has handled so far, all patterns. */
const rpcsHandled = async (service: 'users' | 'orders' | 'catalog'): Promise<number> =>
  total(parseExposition(await (await fetch(`${system.urlOf(service)}/metrics`)).text()), 'messaging_handler_duration_seconds_count', { kind: 'rpc' });

describe('POST /graphql against the running system', () => {
  it('answers me as GET /v1/users/me does, and echoes the request id', async () => {
    const response = await graphql.post<{ me: { id: string; email: string; displayName: string } }>({ query: '{ me { id email displayName } }' }, customer.tokens.accessToken, { 'x-request-id': 'e2e-graphql-me' });
    expect(response.data).toEqual({ me: { id: customer.id, email: customer.email, displayName: customer.displayName } });
    expect(response.headers.get('x-request-id')).toBe('e2e-graphql-me');
    // The id travels with the RPC: users logs its handling of it under the same request_id.
    await eventually(async () => (system.logs('users').includes('"request_id":"e2e-graphql-me"') ? true : undefined), { description: 'the request id in users\' log' });
  });

  it('serves the catalog without a token as GET /v1/products does: a page, one product, an unknown sku as null + CATALOG.NOT_FOUND', async () => {
    const page = await graphql.post<{ products: { edges: { node: { sku: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>({ query: '{ products(first: 2) { edges { node { sku } } pageInfo { hasNextPage endCursor } } }' });
    const rest = await api.get('/v1/products?limit=2');
    expect(page.data?.products.edges.map((edge) => edge.node.sku)).toEqual((rest.body as { items: { sku: string }[] }).items.map((item) => item.sku));
    expect(page.data?.products.pageInfo).toEqual({ hasNextPage: true, endCursor: expect.any(String) });

    const one = await graphql.post<{ product: { sku: string; currency: string; unitPrice: number } }>({ query: '{ product(sku: "SKU-1001") { sku currency unitPrice } }' });
    expect(one.data).toEqual({ product: { sku: 'SKU-1001', currency: 'EUR', unitPrice: 1999 } });
    const unknown = await graphql.post({ query: '{ product(sku: "SKU-NONE") { sku } }' });
    expect(unknown.data).toEqual({ product: null });
    expect(unknown.errors?.map((error) => error.extensions.code)).toEqual([ErrorCodes.CATALOG_NOT_FOUND]);
  });

  it('places an order once per idempotency key, and shows it to its owner only (another user: null + ORDERS.NOT_FOUND)', async () => {
    const first = await graphql.data<Placed>(customer.tokens.accessToken, PLACE_ORDER, { input, key: 'e2e-graphql-1' });
    expect(first.placeOrder).toMatchObject({ replayed: false, order: { status: 'pending', total: 3998, version: 1 } });
    const replay = await graphql.data<Placed>(customer.tokens.accessToken, PLACE_ORDER, { input, key: 'e2e-graphql-1' });
    expect(replay.placeOrder).toMatchObject({ replayed: true, order: { id: first.placeOrder.order.id } });

    const query = 'query($id: ID!) { order(id: $id) { id total } }';
    expect(await graphql.data(customer.tokens.accessToken, query, { id: first.placeOrder.order.id })).toEqual({ order: { id: first.placeOrder.order.id, total: 3998 } });
    const foreign = await graphql.post({ query, variables: { id: first.placeOrder.order.id } }, other.tokens.accessToken);
    expect(foreign.data).toEqual({ order: null });
    expect(foreign.errors?.map((error) => error.extensions.code)).toEqual([ErrorCodes.ORDERS_NOT_FOUND]);
    expect(JSON.stringify(foreign)).not.toContain('3998');
  });

  it('refuses what CreateOrderBody refuses, field by field, and stores nothing', async () => {
    const before = (await api.listOrders(customer.tokens.accessToken, '?limit=100')).items.length;
    const refused = await graphql.post({ query: PLACE_ORDER, variables: { input: { currency: 'EUR', items: [{ sku: 'SKU 1', quantity: 1001, unitPrice: -1 }] } } }, customer.tokens.accessToken);
    expect(refused.errors?.[0]?.extensions.code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect(refused.errors?.[0]?.extensions.errors?.map((error) => error.field).sort()).toEqual(['items.0.quantity', 'items.0.sku', 'items.0.unitPrice']);
    expect((await api.listOrders(customer.tokens.accessToken, '?limit=100')).items.length).toBe(before);
  });

  it('resolves 20 orders with their user in one orders RPC and one users RPC', async () => {
    const buyer = await api.register('graphql-batch');
    for (let index = 0; index < 20; index += 1) await api.createOrder(buyer.tokens.accessToken);
    const [usersBefore, ordersBefore] = [await rpcsHandled('users'), await rpcsHandled('orders')];
    const { myOrders } = await graphql.data<{ myOrders: { edges: { node: { id: string; user: { id: string; email: string } } }[] } }>(
      buyer.tokens.accessToken, '{ myOrders(first: 20) { edges { node { id user { id email } } } } }');
    expect(myOrders.edges).toHaveLength(20);
    expect(new Set(myOrders.edges.map((edge) => edge.node.user.email))).toEqual(new Set([buyer.email]));
    expect(await rpcsHandled('orders')).toBe(ordersBefore + 1);
    expect(await rpcsHandled('users')).toBe(usersBefore + 1);
    const metrics = parseExposition(await (await fetch(`${system.urlOf('users')}/metrics`)).text());
    expect(total(metrics, 'messaging_handler_duration_seconds_count', { kind: 'rpc', pattern: UsersRpc.getProfiles })).toBeGreaterThanOrEqual(1);
  });

  it('resolves 40 notifications with their order, and the orders\' lines with their product, in one RPC per service', async () => {
    const buyer = await api.register('graphql-fan-out');
    const placed = [];
    for (let index = 0; index < 20; index += 1) placed.push(await api.createOrder(buyer.tokens.accessToken));
    type NotificationNodes = { notifications: { edges: { node: { type: string; order: { id: string; items: { sku: string; product: { sku: string; currency: string } | null }[] } | null } }[] } };
    // Welcome, then received and confirmed (the stock saga) per order: 41, two notifications about each order.
    const query = '{ notifications(first: 41) { edges { node { type order { id items { sku product { sku currency } } } } } } }';
    await eventually(async () => {
      const { notifications } = await graphql.data<NotificationNodes>(buyer.tokens.accessToken, query);
      return notifications.edges.length === 41 ? true : undefined;
    }, { timeoutMs: 60_000, description: 'the 41 notifications of 20 confirmed orders' });
    const [ordersBefore, catalogBefore] = [await rpcsHandled('orders'), await rpcsHandled('catalog')];
    const { notifications } = await graphql.data<NotificationNodes>(buyer.tokens.accessToken, query);
    const aboutOrders = notifications.edges.map((edge) => edge.node).filter((node) => node.order !== null);
    expect(aboutOrders).toHaveLength(40);
    expect(new Set(aboutOrders.map((node) => node.order?.id))).toEqual(new Set(placed.map((order) => order.id)));
    expect(aboutOrders.flatMap((node) => node.order?.items ?? []).every((item) => item.product?.sku === item.sku && item.product.currency === 'EUR')).toBe(true);
    expect(await rpcsHandled('orders')).toBe(ordersBefore + 1);
    expect(await rpcsHandled('catalog')).toBe(catalogBefore + 1);
  });

  it('cancels, pages notifications, marks one read, updates profile and preferences', async () => {
    const placed = await graphql.data<Placed>(customer.tokens.accessToken, PLACE_ORDER, { input });
    // The stock saga confirms the order (version 2) first; the cancel names that version.
    await eventually(async () => {
      const { order } = await graphql.data<{ order: { status: string } }>(customer.tokens.accessToken, 'query($id: ID!) { order(id: $id) { status } }', { id: placed.placeOrder.order.id });
      return order.status === 'confirmed' ? true : undefined;
    }, { description: 'the order confirmed by the saga' });
    const { cancelOrder } = await graphql.data<{ cancelOrder: { status: string; version: number } }>(customer.tokens.accessToken,
      'mutation($id: ID!) { cancelOrder(id: $id, expectedVersion: 2) { status version } }', { id: placed.placeOrder.order.id });
    expect(cancelOrder).toEqual({ status: 'cancelled', version: 3 });

    const page = await eventually(async () => {
      const { notifications } = await graphql.data<{ notifications: { edges: { node: NotificationView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
        customer.tokens.accessToken, '{ notifications(first: 2) { edges { node { id type read } } pageInfo { hasNextPage endCursor } } }');
      return notifications.edges.length === 2 && notifications.pageInfo.hasNextPage ? notifications : undefined;
    }, { description: 'two pages of notifications' });
    const next = await graphql.data<{ notifications: { edges: unknown[] } }>(customer.tokens.accessToken,
      'query($after: String) { notifications(first: 2, after: $after) { edges { node { id } } } }', { after: page.pageInfo.endCursor });
    expect(next.notifications.edges.length).toBeGreaterThan(0);
    const target = page.edges[0]?.node.id;
    expect(await graphql.data(customer.tokens.accessToken, 'mutation($id: ID!) { markNotificationRead(id: $id) { id read } }', { id: target }))
      .toEqual({ markNotificationRead: { id: target, read: true } });

    expect(await graphql.data(customer.tokens.accessToken, `mutation {
      updateProfile(input: { displayName: "Ada over GraphQL" }) { displayName }
      updatePreferences(input: { emailNotifications: false }) { emailNotifications } }`))
      .toEqual({ updateProfile: { displayName: 'Ada over GraphQL' }, updatePreferences: { emailNotifications: false } });
    expect((await api.get('/v1/users/me', customer.tokens.accessToken)).body).toMatchObject({ displayName: 'Ada over GraphQL' });
  });

  it('serves the admin fields to admins only (COMMON.FORBIDDEN per field for a customer)', async () => {
    const query = 'query($id: ID!) { users(first: 2) { edges { node { id } } } user(id: $id) { email } orders(userId: $id, first: 5) { edges { node { userId } } } }';
    const asAdmin = await graphql.data<{ user: { email: string }; orders: { edges: { node: { userId: string } }[] } }>(adminToken, query, { id: customer.id });
    expect(asAdmin.user.email).toBe(customer.email);
    expect(asAdmin.orders.edges.every((edge) => edge.node.userId === customer.id)).toBe(true);
    const asCustomer = await graphql.post({ query, variables: { id: customer.id } }, customer.tokens.accessToken);
    expect(asCustomer.data).toEqual({ users: null, user: null, orders: null });
    expect(asCustomer.errors?.map((error) => error.extensions.code)).toEqual([ErrorCodes.FORBIDDEN, ErrorCodes.FORBIDDEN, ErrorCodes.FORBIDDEN]);
  });

  it('refuses a missing or forged token with COMMON.UNAUTHENTICATED', async () => {
    for (const token of [undefined, `${customer.tokens.accessToken.slice(0, -6)}AAAAAA`]) {
      const refused = await graphql.post({ query: '{ me { id } }' }, token);
      expect(refused.errors?.map((error) => error.extensions.code)).toEqual([ErrorCodes.UNAUTHENTICATED]);
      expect(refused.data).toBeNull();
    }
  });

  it('holds the abuse limits: aliases, cost, batches, body size; and serves persisted queries', async () => {
    const token = customer.tokens.accessToken;
    const aliases = await graphql.post({ query: `{ ${Array.from({ length: 16 }, (_, index) => `a${index}: me { id }`).join(' ')} }` }, token);
    expect([aliases.status, aliases.errors?.[0]?.extensions.code]).toEqual([400, ErrorCodes.VALIDATION_FAILED]);
    const costly = await graphql.post({ query: '{ myOrders(first: 100) { edges { node { id userId status currency total version createdAt updatedAt items { sku quantity unitPrice } user { id email displayName createdAt updatedAt } } } } }' }, token);
    expect([costly.status, costly.errors?.[0]?.extensions.code]).toEqual([400, ErrorCodes.VALIDATION_FAILED]);
    expect(costly.errors?.[0]?.message).toContain('exceeds the limit of 2000');
    const batch = await graphql.post([{ query: '{ me { id } }' }, { query: '{ me { id } }' }], token);
    expect(batch.status).toBe(400);
    const huge = await graphql.post({ query: `{ me { id } } # ${'x'.repeat(110_000)}` }, token);
    expect(huge.status).toBe(413);

    const query = '{ me { id } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    expect((await graphql.post({ extensions: { persistedQuery } }, token)).errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await graphql.post({ query, extensions: { persistedQuery } }, token)).data).toEqual({ me: { id: customer.id } });
    expect((await graphql.post({ extensions: { persistedQuery } }, token)).data).toEqual({ me: { id: customer.id } });
  });
});

describe('subscription notificationCreated over graphql-ws', () => {
  it('pushes the notification of an order placed over GraphQL, from the same broadcast as the SSE stream', async () => {
    const subscriber = graphql.subscriber(customer.tokens.accessToken);
    subscribers.push(subscriber);
    const received: NotificationView[] = [];
    const errors: unknown[] = [];
    subscriber.subscribe<{ notificationCreated: NotificationView }>(
      { query: 'subscription { notificationCreated { id type title data } }' },
      { next: (result) => (result.data ? received.push(result.data.notificationCreated) : errors.push(result.errors)), error: (error) => errors.push(error), complete: () => undefined },
    );
    // The subscription is registered once the gateway has verified the token; an order placed before that would be missed.
    await eventually(async () => {
      const placed = await graphql.data<Placed>(customer.tokens.accessToken, PLACE_ORDER, { input });
      return (await eventually(async () => (received.some((n) => n.type === 'order.created' && (n.data as { orderId?: string }).orderId === placed.placeOrder.order.id) ? true : undefined), { timeoutMs: 5_000, description: 'the order notification' }).catch(() => undefined));
    }, { timeoutMs: 45_000, description: 'a live notificationCreated for a new order' });
    expect(errors).toEqual([]);
    // The saga's confirmation arrives on the same subscription, possibly alone when the subscription was registered late.
    expect(received.filter((n) => n.type === 'order.created').at(-1)).toMatchObject({ type: 'order.created', title: 'Order received' });
  });
});
