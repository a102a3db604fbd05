// POST /graphql through the real gateway module (guards, pipes, filters, Apollo) with a FakeRpcClient:
// the same rules as REST, checked one by one.
import { randomUUID, createHash } from 'node:crypto';
import request from 'supertest';
import {
  ApplicationError, CatalogRpc, ErrorCodes, NotificationsRpc, OrdersRpc, UsersPreferencesRpc, UsersRpc, type NotificationView, type OrderView, type ProductView, type UserProfile,
} from '@plinth/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';

let t: GatewayTestApp;
let customer: { id: string; token: string };
let admin: { id: string; token: string };

const orderOf = (userId: string, overrides: Partial<OrderView> = {}): OrderView => ({
  id: randomUUID(), userId, status: 'pending', currency: 'EUR', items: [{ sku: 'SKU-1001', quantity: 2, unitPrice: 1999 }],
  total: 3998, version: 1, createdAt: '2026-11-24T12:00:00.000Z', updatedAt: '2026-11-24T12:00:00.000Z', ...overrides,
});
const profileOf = (id: string): UserProfile => ({ id, email: `${id.slice(0, 8)}@example.test`, displayName: 'Ada', emailVerified: false, createdAt: '2026-11-24T12:00:00.000Z', updatedAt: '2026-11-24T12:00:00.000Z' });

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: string[]; extensions: { code: string; errors?: { field: string; message: string }[]; requestId?: string } }[];
}
const post = (body: object, who?: { token: string }) => {
  const call = request(t.app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
  return (who ? call.set('authorization', `Bearer ${who.token}`) : call).send(JSON.stringify(body));
};
// `anonymous` sends no Authorization header.
const gql = async (query: string, variables: object = {}, who: { token: string } | 'anonymous' = customer) => {
  const res = await post({ query, variables }, who === 'anonymous' ? undefined : who);
  return { status: res.status, body: res.body as GraphqlBody, headers: res.headers };
};
const codesOf = (body: GraphqlBody) => body.errors?.map((error) => error.extensions.code);

beforeAll(async () => {
  t = await createGatewayTestApp({ config: { GRAPHQL_MAX_DEPTH: 6, GRAPHQL_MAX_ALIASES: 3, GRAPHQL_MAX_COST: 500, WRITE_RATE_LIMIT_PER_MINUTE: 3 } });
  const [customerId, adminId] = [randomUUID(), randomUUID()];
  customer = { id: customerId, token: await t.token({ sub: customerId, roles: ['user'] }) };
  admin = { id: adminId, token: await t.token({ sub: adminId, roles: ['user', 'admin'] }) };
});
afterAll(() => t.close());
beforeEach(() => t.rpc.clearCalls());

describe('authentication and RBAC', () => {
  it('refuses an operation without a token with COMMON.UNAUTHENTICATED and no data', async () => {
    const { body } = await gql('{ me { id } }', {}, 'anonymous');
    expect(body.data).toBeNull();
    expect(codesOf(body)).toEqual([ErrorCodes.UNAUTHENTICATED]);
    expect(t.rpc.calls).toEqual([]);
  });

  it('refuses a token signed by another key with COMMON.UNAUTHENTICATED', async () => {
    const { body } = await gql('{ me { id } }', {}, { token: customer.token.slice(0, -4) + 'AAAA' });
    expect(codesOf(body)).toEqual([ErrorCodes.UNAUTHENTICATED]);
  });

  it('answers me with the caller as actor and forwards the token and request id to the service', async () => {
    t.rpc.reply(UsersRpc.getProfile, profileOf(customer.id));
    const res = await post({ query: '{ me { id email displayName } }' }, customer).set('x-request-id', 'graphql-req-1');
    expect(res.body).toEqual({ data: { me: { id: customer.id, email: profileOf(customer.id).email, displayName: 'Ada' } } });
    expect(t.rpc.calls).toEqual([
      { pattern: UsersRpc.getProfile, payload: { actor: { userId: customer.id, roles: ['user'] }, userId: customer.id }, headers: { 'x-request-id': 'graphql-req-1', 'x-access-token': customer.token } },
    ]);
    expect(res.headers['x-request-id']).toBe('graphql-req-1');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses admin fields to a customer with COMMON.FORBIDDEN (per field: the rest of the operation is answered)', async () => {
    t.rpc.reply(UsersRpc.getProfile, profileOf(customer.id));
    const { body } = await gql('{ me { id } users { edges { node { id } } } }');
    expect(body.data).toEqual({ me: { id: customer.id }, users: null });
    expect(body.errors).toEqual([expect.objectContaining({ path: ['users'], extensions: expect.objectContaining({ code: ErrorCodes.FORBIDDEN }) })]);
    expect(t.rpc.payloadsOf(UsersRpc.list)).toEqual([]);
  });

  it('lets an admin list users as a connection over the keyset cursor', async () => {
    const user = profileOf(randomUUID());
    t.rpc.reply(UsersRpc.list, { items: [user], nextCursor: 'next-1' });
    const { body } = await gql('{ users(first: 1, email: "ad") { edges { node { id } } pageInfo { hasNextPage endCursor } } }', {}, admin);
    expect(body).toEqual({ data: { users: { edges: [{ node: { id: user.id } }], pageInfo: { hasNextPage: true, endCursor: 'next-1' } } } });
    expect(t.rpc.payloadsOf(UsersRpc.list)).toEqual([{ actor: { userId: admin.id, roles: ['user', 'admin'] }, limit: 1, email: 'ad' }]);
  });
});

describe('errors carry the problem+json codes, never internals', () => {
  it('gives another user\'s order as null + ORDERS.NOT_FOUND', async () => {
    t.rpc.reply(OrdersRpc.get, () => {
      throw new ApplicationError(ErrorCodes.ORDERS_NOT_FOUND, 'Order not found');
    });
    const { body } = await gql('query($id: ID!) { order(id: $id) { id total } }', { id: randomUUID() });
    expect(body.data).toEqual({ order: null });
    expect(body.errors).toEqual([{ message: 'Order not found', path: ['order'], locations: expect.any(Array), extensions: { code: ErrorCodes.ORDERS_NOT_FOUND, requestId: expect.any(String) } }]);
  });

  it('hides an unexpected failure behind COMMON.INTERNAL and the fixed sentence', async () => {
    t.rpc.reply(OrdersRpc.get, () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 (orders-db)');
    });
    const { body } = await gql('query($id: ID!) { order(id: $id) { id } }', { id: randomUUID() });
    expect(body.errors?.[0]?.extensions.code).toBe(ErrorCodes.INTERNAL);
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|orders-db|stack|at /);
  });

  it('treats an answer that breaks the schema (a null for a non-null field) as the server\'s fault: COMMON.INTERNAL', async () => {
    t.rpc.reply(OrdersRpc.get, { ...orderOf(customer.id), total: null });
    const { body } = await gql('query($id: ID!) { order(id: $id) { id total } }', { id: randomUUID() });
    expect(body.data).toEqual({ order: null });
    expect(body.errors?.[0]).toMatchObject({ message: 'An unexpected error occurred. Quote the requestId when reporting it.', extensions: { code: ErrorCodes.INTERNAL } });
    expect(JSON.stringify(body)).not.toContain('non-nullable');
  });

  it('maps a timeout to COMMON.TIMEOUT with the fixed sentence', async () => {
    t.rpc.reply(OrdersRpc.get, () => {
      throw new ApplicationError(ErrorCodes.TIMEOUT, 'No reply to orders.get within 5000 ms');
    });
    const { body } = await gql('query($id: ID!) { order(id: $id) { id } }', { id: randomUUID() });
    expect(body.errors?.[0]).toMatchObject({ message: 'The request took too long to complete. Retry later.', extensions: { code: ErrorCodes.TIMEOUT } });
  });
});

describe('validation with the contracts\' DTOs', () => {
  it('refuses a non-UUID id before any RPC, naming the argument', async () => {
    const { body } = await gql('{ order(id: "42") { id } }');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: ErrorCodes.VALIDATION_FAILED, errors: [{ field: 'id', message: 'id must be a UUID' }] });
    expect(t.rpc.calls).toEqual([]);
  });

  it('refuses first beyond 100 as the REST limit is refused, naming first', async () => {
    const { body } = await gql('{ myOrders(first: 101) { edges { node { id } } } }');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: ErrorCodes.VALIDATION_FAILED, errors: [{ field: 'first', message: 'first must not be greater than 100' }] });
    expect(t.rpc.calls).toEqual([]);
  });

  it('refuses a placeOrder input that breaks CreateOrderBody\'s rules, field by field', async () => {
    const { body } = await gql('mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } } }', {
      input: { currency: 'euro', items: [{ sku: 'SKU-1', quantity: 0, unitPrice: 1 }] },
    });
    expect(body.errors?.[0]?.extensions.code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect(body.errors?.[0]?.extensions.errors?.map((error) => error.field).sort()).toEqual(['currency', 'items.0.quantity']);
    expect(t.rpc.calls).toEqual([]);
  });

  it('refuses an unknown input field and a wrong variable type as COMMON.VALIDATION_FAILED', async () => {
    const unknown = await gql('mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }', { input: { displayName: 'A', roles: ['admin'] } });
    expect(codesOf(unknown.body)).toEqual([ErrorCodes.VALIDATION_FAILED]);
    const wrongType = await gql('query($first: Int) { myOrders(first: $first) { edges { node { id } } } }', { first: 'ten' });
    expect(codesOf(wrongType.body)).toEqual([ErrorCodes.VALIDATION_FAILED]);
    expect(t.rpc.calls).toEqual([]);
  });
});

describe('operations', () => {
  it('places an order with the idempotency key and shapes the result', async () => {
    const created = orderOf(customer.id);
    t.rpc.reply(OrdersRpc.create, { order: created, replayed: true });
    const input = { currency: 'EUR', items: [{ sku: 'SKU-1001', quantity: 2, unitPrice: 1999 }] };
    const { body } = await gql('mutation($input: PlaceOrderInput!) { placeOrder(input: $input, idempotencyKey: "k-1") { replayed order { id total status items { sku quantity } } } }', { input });
    expect(body).toEqual({ data: { placeOrder: { replayed: true, order: { id: created.id, total: 3998, status: 'pending', items: [{ sku: 'SKU-1001', quantity: 2 }] } } } });
    expect(t.rpc.payloadsOf(OrdersRpc.create)).toEqual([{ actor: { userId: customer.id, roles: ['user'] }, ...input, idempotencyKey: 'k-1' }]);
  });

  it('cancels with the expected version and updates profile and preferences', async () => {
    const order = orderOf(customer.id, { status: 'cancelled', version: 2 });
    t.rpc.reply(OrdersRpc.cancel, order).reply(UsersRpc.updateProfile, { ...profileOf(customer.id), displayName: 'Ada K' }).reply(UsersPreferencesRpc.update, { emailNotifications: false });
    const { body } = await gql(`mutation($id: ID!) {
      cancelOrder(id: $id, expectedVersion: 1) { status version }
      updateProfile(input: { displayName: "Ada K" }) { displayName }
      updatePreferences(input: { emailNotifications: false }) { emailNotifications } }`, { id: order.id });
    expect(body).toEqual({ data: { cancelOrder: { status: 'cancelled', version: 2 }, updateProfile: { displayName: 'Ada K' }, updatePreferences: { emailNotifications: false } } });
    expect(t.rpc.payloadsOf(OrdersRpc.cancel)).toEqual([{ actor: { userId: customer.id, roles: ['user'] }, orderId: order.id, expectedVersion: 1 }]);
  });

  it('resolves 20 orders with their user in one users RPC (DataLoader per request)', async () => {
    const orders = Array.from({ length: 20 }, () => orderOf(customer.id));
    t.rpc.reply(OrdersRpc.list, { items: orders, nextCursor: null }).reply(UsersRpc.getProfiles, [profileOf(customer.id)]);
    const { body } = await gql('{ myOrders(first: 20) { edges { node { id user { id email } } } pageInfo { hasNextPage } } }');
    const edges = (body.data?.myOrders as { edges: { node: { user: { id: string } } }[] }).edges;
    expect(edges).toHaveLength(20);
    expect(edges.every((edge) => edge.node.user.id === customer.id)).toBe(true);
    expect(t.rpc.calls.map((call) => call.pattern)).toEqual([OrdersRpc.list, UsersRpc.getProfiles]);
    expect(t.rpc.payloadsOf(UsersRpc.getProfiles)).toEqual([{ actor: { userId: customer.id, roles: ['user'] }, userIds: [customer.id] }]);
  });

  it('resolves 20 notifications with their order in one orders RPC; one about no order, or another user\'s, gets null', async () => {
    const orders = Array.from({ length: 19 }, () => orderOf(customer.id));
    const notificationAbout = (data: Record<string, unknown>): NotificationView => ({
      id: randomUUID(), type: 'order.created', title: 'Order received', body: '…', read: false, createdAt: '2026-11-24T12:00:00.000Z', data,
    });
    const notifications = [...orders.map((order) => notificationAbout({ orderId: order.id })), notificationAbout({ orderId: orders[0].id }), notificationAbout({})];
    const invisible = randomUUID();
    notifications.push(notificationAbout({ orderId: invisible }));
    t.rpc.reply(NotificationsRpc.list, { items: notifications, nextCursor: null }).reply(OrdersRpc.getMany, orders);
    const { body } = await gql('{ notifications(first: 22) { edges { node { id order { id status } } } } }');
    const nodes = (body.data?.notifications as { edges: { node: { order: { id: string } | null } }[] }).edges.map((edge) => edge.node);
    expect(nodes.map((node) => node.order?.id ?? null)).toEqual([...orders.map((order) => order.id), orders[0].id, null, null]);
    expect(t.rpc.calls.map((call) => call.pattern)).toEqual([NotificationsRpc.list, OrdersRpc.getMany]);
    expect(t.rpc.payloadsOf(OrdersRpc.getMany)).toEqual([{ actor: { userId: customer.id, roles: ['user'] }, orderIds: [...orders.map((order) => order.id), invisible] }]);
  });

  it('resolves the products of 20 orders\' lines in one catalog RPC, without a token; a product the catalog lost is null', async () => {
    const orders = Array.from({ length: 20 }, (_, i) => orderOf(customer.id, { items: [{ sku: 'SKU-1001', quantity: 1, unitPrice: 1999 }, { sku: `GONE-${i % 2}`, quantity: 1, unitPrice: 5 }] }));
    const product: ProductView = { sku: 'SKU-1001', name: 'Kettle', description: '', currency: 'EUR', unitPrice: 2100, stock: 9, reserved: 1, version: 2, updatedAt: '2026-12-01T12:00:00.000Z' };
    t.rpc.reply(OrdersRpc.list, { items: orders, nextCursor: null }).reply(CatalogRpc.getMany, [product]);
    const { body } = await gql('{ myOrders(first: 20) { edges { node { items { sku unitPrice product { name unitPrice } } } } } }');
    const items = (body.data?.myOrders as { edges: { node: { items: { unitPrice: number; product: { unitPrice: number } | null }[] } }[] }).edges.flatMap((edge) => edge.node.items);
    expect(items).toHaveLength(40);
    expect(items.filter((item) => item.product?.unitPrice === 2100 && item.unitPrice === 1999)).toHaveLength(20);
    expect(items.filter((item) => item.product === null)).toHaveLength(20);
    expect(t.rpc.calls.map((call) => call.pattern)).toEqual([OrdersRpc.list, CatalogRpc.getMany]);
    expect(t.rpc.payloadsOf(CatalogRpc.getMany)).toEqual([{ skus: ['SKU-1001', 'GONE-0', 'GONE-1'] }]);
  });

  it('counts mutations against the per-caller write budget (COMMON.RATE_LIMITED past it) and queries not', async () => {
    const writer = { token: await t.token({ sub: randomUUID(), roles: ['user'] }) };
    t.rpc.reply(UsersPreferencesRpc.update, { emailNotifications: true });
    const mutation = 'mutation { updatePreferences(input: { emailNotifications: true }) { emailNotifications } }';
    for (let attempt = 0; attempt < 3; attempt += 1) expect(codesOf((await gql(mutation, {}, writer)).body)).toBeUndefined();
    const refused = await gql(mutation, {}, writer);
    expect(codesOf(refused.body)).toEqual([ErrorCodes.RATE_LIMITED]);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
  });
});

describe('abuse limits, each attacked', () => {
  let limited: GatewayTestApp;
  let token: string;
  const limitedPost = (body: unknown) =>
    request(limited.app.getHttpServer()).post('/graphql').set('content-type', 'application/json').set('authorization', `Bearer ${token}`).send(JSON.stringify(body));

  beforeAll(async () => {
    limited = await createGatewayTestApp({ config: { GRAPHQL_MAX_DEPTH: 4, GRAPHQL_MAX_ALIASES: 3, GRAPHQL_MAX_COST: 500, BODY_LIMIT: '2kb' } });
    token = await limited.token({ sub: customer.id, roles: ['user'] });
    limited.rpc.reply(UsersRpc.getProfile, profileOf(customer.id)).reply(OrdersRpc.list, { items: [], nextCursor: null });
  });
  afterAll(() => limited.close());
  beforeEach(() => limited.rpc.clearCalls());

  it('refuses an operation deeper than GRAPHQL_MAX_DEPTH with 400 and no RPC; one within it runs', async () => {
    const refused = await limitedPost({ query: '{ myOrders { edges { node { user { id } } } } }' });
    expect(refused.status).toBe(400);
    expect((refused.body as GraphqlBody).errors?.[0]).toMatchObject({ message: expect.stringContaining('depth limit of 4'), extensions: { code: ErrorCodes.VALIDATION_FAILED } });
    expect(limited.rpc.calls).toEqual([]);
    expect((await limitedPost({ query: '{ myOrders { edges { node { id } } } }' })).body).toEqual({ data: { myOrders: { edges: [] } } });
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES', async () => {
    const refused = await limitedPost({ query: '{ a: me { id } b: me { id } c: me { id } d: me { id } }' });
    expect(refused.status).toBe(400);
    expect((refused.body as GraphqlBody).errors?.[0]).toMatchObject({ message: expect.stringContaining('Aliases limit of 3'), extensions: { code: ErrorCodes.VALIDATION_FAILED } });
    expect(limited.rpc.calls).toEqual([]);
  });

  it('refuses an operation whose estimated cost exceeds GRAPHQL_MAX_COST, with the variables counted', async () => {
    const query = 'query($first: Int) { myOrders(first: $first) { edges { node { id currency total status version createdAt } } } }';
    const refused = await limitedPost({ query, variables: { first: 100 } });
    expect(refused.status).toBe(400);
    expect((refused.body as GraphqlBody).errors?.[0]).toMatchObject({ message: expect.stringContaining('cost 801 exceeds the limit of 500'), extensions: { code: ErrorCodes.VALIDATION_FAILED } });
    expect(limited.rpc.calls).toEqual([]);
    expect((await limitedPost({ query, variables: { first: 20 } })).body).toEqual({ data: { myOrders: { edges: [] } } });
  });

  it('refuses batched operations (a JSON array) with 400', async () => {
    const refused = await limitedPost([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(refused.status).toBe(400);
    expect(limited.rpc.calls).toEqual([]);
  });

  it('refuses a body over BODY_LIMIT with 413 problem+json before parsing it', async () => {
    const refused = await limitedPost({ query: `{ me { id } } # ${'x'.repeat(4096)}` });
    expect(refused.status).toBe(413);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'HTTP.PAYLOAD_TOO_LARGE' });
  });

  it('serves persisted queries (APQ): unknown hash → PERSISTED_QUERY_NOT_FOUND, then registered, then by hash alone', async () => {
    const query = '{ me { id } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const unknown = await limitedPost({ extensions: { persistedQuery } });
    expect((unknown.body as GraphqlBody).errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await limitedPost({ query, extensions: { persistedQuery } })).body).toEqual({ data: { me: { id: customer.id } } });
    expect((await limitedPost({ extensions: { persistedQuery } })).body).toEqual({ data: { me: { id: customer.id } } });
  });

  it('refuses a persisted query whose hash does not match its text', async () => {
    const refused = await limitedPost({ query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } });
    expect(refused.status).toBe(400);
    expect((refused.body as GraphqlBody).errors?.[0]?.extensions.code).toBe(ErrorCodes.VALIDATION_FAILED);
  });

  it('answers introspection outside production', async () => {
    expect((await limitedPost({ query: '{ __schema { queryType { name } } }' })).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });
});

describe('in production', () => {
  let production: GatewayTestApp;
  beforeAll(async () => {
    production = await createGatewayTestApp({ config: { NODE_ENV: 'production' } });
  });
  afterAll(() => production.close());

  it('refuses introspection and serves no GraphiQL page', async () => {
    const token = await production.token();
    const res = await request(production.app.getHttpServer()).post('/graphql').set('content-type', 'application/json').set('authorization', `Bearer ${token}`)
      .send(JSON.stringify({ query: '{ __schema { queryType { name } } }' }));
    expect(res.status).toBe(400);
    expect((res.body as GraphqlBody).errors?.[0]).toMatchObject({ message: expect.stringContaining('introspection'), extensions: { code: ErrorCodes.VALIDATION_FAILED } });
    const page = await request(production.app.getHttpServer()).get('/graphql').set('accept', 'text/html');
    expect(page.text).not.toMatch(/graphiql/i);
  });
});

describe('the catalog, public as on REST', () => {
  const productOf = (sku: string): ProductView => ({
    sku, name: 'Espresso machine', description: '', currency: 'EUR', unitPrice: 1250, stock: 10, reserved: 2, version: 3, updatedAt: '2026-12-01T12:00:00.000Z',
  });

  it('pages products without a token, as a connection over catalog\'s keyset cursor', async () => {
    t.rpc.reply(CatalogRpc.list, { items: [productOf('SKU-1')], nextCursor: 'next-1' });
    const { body } = await gql('{ products(first: 1) { edges { node { sku unitPrice reserved } } pageInfo { hasNextPage endCursor } } }', {}, 'anonymous');
    expect(body).toEqual({ data: { products: { edges: [{ node: { sku: 'SKU-1', unitPrice: 1250, reserved: 2 } }], pageInfo: { hasNextPage: true, endCursor: 'next-1' } } } });
    expect(t.rpc.payloadsOf(CatalogRpc.list)).toEqual([{ limit: 1 }]);
  });

  it('answers one product by sku, and an unknown one as null + CATALOG.NOT_FOUND', async () => {
    t.rpc.reply(CatalogRpc.get, productOf('SKU-2'));
    expect((await gql('{ product(sku: "SKU-2") { sku name version } }', {}, 'anonymous')).body).toEqual({ data: { product: { sku: 'SKU-2', name: 'Espresso machine', version: 3 } } });
    t.rpc.reply(CatalogRpc.get, () => {
      throw new ApplicationError(ErrorCodes.CATALOG_NOT_FOUND, 'Product not found');
    });
    const { body } = await gql('{ product(sku: "SKU-404") { sku } }', {}, 'anonymous');
    expect(body.data).toEqual({ product: null });
    expect(codesOf(body)).toEqual([ErrorCodes.CATALOG_NOT_FOUND]);
  });

  it('refuses a sku that cannot be one, and a page size out of range, with COMMON.VALIDATION_FAILED before any RPC', async () => {
    const badSku = await gql('{ product(sku: "not a sku; drop") { sku } }', {}, 'anonymous');
    expect(codesOf(badSku.body)).toEqual([ErrorCodes.VALIDATION_FAILED]);
    expect(badSku.body.errors?.[0]?.extensions.errors).toEqual([{ field: 'sku', message: expect.stringContaining('sku must match') }]);
    const badPage = await gql('{ products(first: 0) { edges { node { sku } } } }', {}, 'anonymous');
    expect(codesOf(badPage.body)).toEqual([ErrorCodes.VALIDATION_FAILED]);
    expect(badPage.body.errors?.[0]?.extensions.errors?.[0]?.field).toBe('first');
    expect(t.rpc.calls).toEqual([]);
  });
});
