// Every way a client can be refused, checked at the public edge: status, problem+json shape, stable
// code and field errors, plus the session properties of tokens and the guarantees of
// idempotent creation, optimistic locking and cursor pagination, and that events survive a consumer outage.
import { randomUUID } from 'node:crypto';
import type { NotificationView, OrderView, TokenPair } from '@plinth/contracts';
import { rawHttpExchange, type RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, SERVICES_WITHOUT_SAGA, startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { consistently, eventually } from './support/eventually.js';
import { signedWithForeignKey, unsigned, withEscalatedClaims } from './support/forged-tokens.js';
import {
  expectStatus, PlinthApi, sampleOrder, STRONG_PASSWORD, uniqueEmail, type RegisteredUser,
} from './support/plinth-api.js';
import { expectProblem, expectValidationProblem } from './support/problem-assertions.js';

// Products of the test catalog (TEST_PRODUCTS in @plinth/testing), at their price.
const item = { sku: 'ITEM-0', quantity: 1, unitPrice: 100 };
const items = (count: number) => Array.from({ length: count }, (_, i) => ({ ...item, sku: `ITEM-${i % 100}` }));

// Every step crosses processes and the broker on two shared cores: allow for a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

let system: RunningSystem;
let api: PlinthApi;
let alice: RegisteredUser;
let bob: RegisteredUser;
let admin: TokenPair;
let aliceOrder: OrderView;

beforeAll(async () => {
  system = await startE2eSystem({ services: [...SERVICES_WITHOUT_SAGA] });
  api = new PlinthApi(system.gatewayUrl);
  [alice, bob] = await Promise.all([api.register('alice'), api.register('bob')]);
  admin = await api.login(ADMIN.email, ADMIN.password);
  aliceOrder = await api.createOrder(alice.tokens.accessToken);
}, SYSTEM_START_TIMEOUT_MS);

afterAll(() => stopE2eSystem(system, 'negative-paths', SERVICES_WITHOUT_SAGA), 60_000);

describe('registration validation', () => {
  const valid = () => ({ email: uniqueEmail('reg'), password: STRONG_PASSWORD, displayName: 'Valid Name' });
  it.each([
    ['a malformed email', { email: 'not-an-email' }, 'email'],
    ['a password of 11 characters', { password: 'a'.repeat(11) }, 'password'],
    ['a password of 129 characters', { password: 'a'.repeat(129) }, 'password'],
    ['a missing displayName', { displayName: undefined }, 'displayName'],
    ['an empty displayName', { displayName: '' }, 'displayName'],
    ['a displayName of 101 characters', { displayName: 'n'.repeat(101) }, 'displayName'],
    ['an unknown field', { roles: ['admin'] }, 'roles'],
  ])('rejects %s with a field error', async (_case, override, field) => {
    const res = await api.post('/v1/auth/register', { ...valid(), ...override });
    expectValidationProblem(res, field);
  });

  it('accepts a password of exactly 12 characters', async () => {
    const res = await api.post('/v1/auth/register', { ...valid(), password: 'Zq7#pL2m!xW4' });
    expectStatus(res, 201, 'register with a 12-character password');
  });

  it('refuses a second registration of the same email with 409', async () => {
    const res = await api.post('/v1/auth/register', { email: alice.email, password: STRONG_PASSWORD, displayName: 'Again' });
    expectProblem(res, 409, 'AUTH.EMAIL_TAKEN');
  });

  it('treats emails case-insensitively: no second account, login with any case', async () => {
    const email = uniqueEmail('case');
    expectStatus(await api.post('/v1/auth/register', { email, password: STRONG_PASSWORD, displayName: 'Case' }), 201, 'register');
    const shouted = email.toUpperCase();
    expectProblem(await api.post('/v1/auth/register', { email: shouted, password: STRONG_PASSWORD, displayName: 'Case' }), 409, 'AUTH.EMAIL_TAKEN');
    expectStatus(await api.post('/v1/auth/login', { email: shouted, password: STRONG_PASSWORD }), 200, 'login with the upper-cased email');
  });

  it('answers a malformed JSON body with a 400 problem', async () => {
    const res = await api.post('/v1/auth/register').set('content-type', 'application/json').send('{"email":');
    expectProblem(res, 400);
  });
});

describe('hostile text: NUL and unpaired surrogates are refused on the field, never stored', () => {
  const NUL = 'ab\u0000cd';
  const LONE_SURROGATE = 'ab\udfffcd';
  const registration = () => ({ email: uniqueEmail('text'), password: STRONG_PASSWORD, displayName: 'Text Rule' });
  const mailbox = (local: string) => `${local}@example.com`;

  it.each([
    ['NUL in displayName', { displayName: NUL }, 'displayName'],
    ['NUL in password', { password: `${STRONG_PASSWORD}\u0000` }, 'password'],
    ['NUL in email', { email: mailbox(NUL) }, 'email'],
    ['a lone surrogate in displayName', { displayName: LONE_SURROGATE }, 'displayName'],
    ['a lone surrogate in password', { password: `${STRONG_PASSWORD}\ud800` }, 'password'],
    ['a lone surrogate in email', { email: mailbox(LONE_SURROGATE) }, 'email'],
  ])('register: %s → 400 on the field', async (_case, override, field) => {
    expectValidationProblem(await api.post('/v1/auth/register', { ...registration(), ...override }), field);
  });

  it.each([
    ['NUL in email', { email: mailbox(NUL), password: STRONG_PASSWORD }, 'email'],
    ['NUL in password', { email: 'x@example.com', password: NUL }, 'password'],
    ['a lone surrogate in email', { email: mailbox(LONE_SURROGATE), password: STRONG_PASSWORD }, 'email'],
    ['a lone surrogate in password', { email: 'x@example.com', password: LONE_SURROGATE }, 'password'],
  ])('login: %s → 400 on the field', async (_case, body, field) => {
    expectValidationProblem(await api.post('/v1/auth/login', body), field);
  });

  it.each([['NUL', NUL], ['a lone surrogate', LONE_SURROGATE], ['a lone high surrogate at the end', 'Ada\ud83d']])(
    'PATCH /v1/users/me: %s in displayName → 400, and the stored name is unchanged',
    async (_case, displayName) => {
      expectValidationProblem(await api.patch('/v1/users/me', { displayName }, bob.tokens.accessToken), 'displayName');
      const profile = await api.get('/v1/users/me', bob.tokens.accessToken);
      expectStatus(profile, 200, 'profile after the refused update');
      expect(profile.body.displayName).toBe(bob.displayName);
    },
  );

  it('PATCH /v1/users/me still takes a well-formed pair (emoji) and serves it back as sent', async () => {
    const res = await api.patch('/v1/users/me', { displayName: 'Bob 👍 Zoë' }, bob.tokens.accessToken);
    expectStatus(res, 200, 'emoji display name');
    expect(res.body.displayName).toBe('Bob 👍 Zoë');
    expectStatus(await api.patch('/v1/users/me', { displayName: bob.displayName }, bob.tokens.accessToken), 200, 'restore the name');
  });

  it.each([
    ['NUL in currency', { currency: 'EU\u0000' }, 'currency'],
    ['NUL in a sku', { items: [{ sku: `SKU${NUL}`, quantity: 1, unitPrice: 1 }] }, 'items.0.sku'],
    ['a lone surrogate in a sku', { items: [{ sku: `SKU${LONE_SURROGATE}`, quantity: 1, unitPrice: 1 }] }, 'items.0.sku'],
  ])('POST /v1/orders: %s → 400 on the field', async (_case, override, field) => {
    expectValidationProblem(await api.post('/v1/orders', sampleOrder(override as never), alice.tokens.accessToken), field);
  });

  // A URL carries UTF-8 only (no surrogate can be spelled in it), but %00 decodes to NUL and reached the LIKE filter.
  it('admin GET /v1/users?email= with %00 → 400 on email, not a database error', async () => {
    expectValidationProblem(await api.get('/v1/users?email=ada%00', admin.accessToken), 'email');
  });
});

describe("requests refused by Node's HTTP parser are problem+json too", () => {
  const gatewayPort = () => Number(new URL(system.gatewayUrl).port);
  it.each([
    ['431 for oversized headers', `GET /v1/orders HTTP/1.1\r\nHost: gateway\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HTTP.HEADERS_TOO_LARGE'],
    ['417 for an unsupported Expect', 'GET /v1/orders HTTP/1.1\r\nHost: gateway\r\nExpect: teapot\r\n\r\n', 417, 'HTTP.EXPECTATION_FAILED'],
    ['400 for a malformed request line', 'GET /v1/orders HTTP/1.1 junk\r\nHost: gateway\r\n\r\n', 400, 'HTTP.MALFORMED_REQUEST'],
    ['400 for a bare line of garbage', 'GARBAGE\r\n\r\n', 400, 'HTTP.MALFORMED_REQUEST'],
  ])('%s', async (_case, raw, status, code) => {
    const response = await rawHttpExchange(gatewayPort(), raw);
    expect(response.statusLine).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String), requestId: response.headers['x-request-id'] });
  });
});

describe('order validation', () => {
  it.each([
    ['quantity 0', { items: [{ ...item, quantity: 0 }] }, 'items.0.quantity'],
    ['quantity 1001', { items: [{ ...item, quantity: 1001 }] }, 'items.0.quantity'],
    ['no items', { items: [] }, 'items'],
    ['101 items', { items: items(101) }, 'items'],
    ['a lowercase currency', { currency: 'eur' }, 'currency'],
    ['a four-letter currency', { currency: 'EURO' }, 'currency'],
    ['a negative unit price', { items: [{ ...item, unitPrice: -1 }] }, 'items.0.unitPrice'],
    ['a fractional unit price', { items: [{ ...item, unitPrice: 1.5 }] }, 'items.0.unitPrice'],
    ['a client-supplied total', { total: 1 }, 'total'],
    ['an unknown item field', { items: [{ ...item, discount: 5 }] }, 'items.0.discount'],
  ])('rejects %s with a field error', async (_case, override, field) => {
    const res = await api.post('/v1/orders', sampleOrder(override as never), alice.tokens.accessToken);
    expectValidationProblem(res, field);
  });

  it('accepts the bounds: quantity 1000 and 100 items', async () => {
    const order = await api.createOrder(bob.tokens.accessToken, { currency: 'EUR', items: [{ ...item, quantity: 1000 }, ...items(99)] });
    expect(order.items).toHaveLength(100);
    expect(order.total).toBe(1000 * 100 + 99 * 100);
  });
});

describe('query and path validation', () => {
  const lists = ['/v1/orders', '/v1/notifications'];
  it.each(lists.flatMap((path) => ['0', '101', 'abc'].map((limit) => [path, limit])))('%s rejects limit=%s', async (path, limit) => {
    const res = await api.get(`${path}?limit=${limit}`, alice.tokens.accessToken);
    expectValidationProblem(res, 'limit');
  });

  it.each(['0', '101', 'abc'])('admin GET /v1/users rejects limit=%s', async (limit) => {
    expectValidationProblem(await api.get(`/v1/users?limit=${limit}`, admin.accessToken), 'limit');
  });

  // Well-formed base64url of `<timestamp>|<id>` that the services never issued: each reached the database before.
  const crafted = (timestamp: string, id: string) => Buffer.from(`${timestamp}|${id}`, 'utf8').toString('base64url');
  const forgedCursors = [
    ['not base64url', 'not-a-cursor!'],
    ['JSON', Buffer.from('{"garbage":true}').toString('base64url')],
    ['a date without time', Buffer.from('2024-01-01|nope').toString('base64url')],
    ['an id that is not a UUID', crafted('2026-11-24T23:05:06.123Z', 'not-a-uuid')],
    ['an id with a quote', crafted('2026-11-24T23:05:06.123Z', "x' OR '1'='1")],
    ['a timestamp of year 0000', crafted('0000-01-01T00:00:00.000Z', randomUUID())],
    ['a timestamp before 1970', crafted('1969-07-20T20:17:40.000Z', randomUUID())],
  ];
  const listsOfEveryone = [['/v1/orders', 'alice'], ['/v1/notifications', 'alice'], ['/v1/users', 'admin']] as const;
  it.each(listsOfEveryone.flatMap(([path, who]) => forgedCursors.map(([what, cursor]) => [path, what, who, cursor])))(
    '%s rejects a cursor of %s with 400 COMMON.INVALID_CURSOR',
    async (path, _what, who, cursor) => {
      const res = await api.get(`${path}?cursor=${encodeURIComponent(cursor)}`, who === 'admin' ? admin.accessToken : alice.tokens.accessToken);
      const problem = expectProblem(res, 400, 'COMMON.INVALID_CURSOR');
      expect(problem.errors?.map((error) => error.field)).toEqual(['cursor']);
    },
  );

  it('rejects an unknown order status filter', async () => {
    expectValidationProblem(await api.get('/v1/orders?status=lost', alice.tokens.accessToken), 'status');
  });

  it.each([
    ['GET', '/v1/orders/not-a-uuid', 'customer'],
    ['POST', '/v1/orders/not-a-uuid/cancel', 'customer'],
    ['POST', '/v1/notifications/not-a-uuid/read', 'customer'],
    ['GET', '/v1/users/not-a-uuid', 'admin'],
    ['POST', '/v1/orders/not-a-uuid/status', 'admin'],
  ])('%s %s answers 400 for a non-UUID id', async (method, path, who) => {
    const token = who === 'admin' ? admin.accessToken : alice.tokens.accessToken;
    const res = method === 'GET' ? await api.get(path, token) : await api.post(path, { status: 'confirmed' }, token);
    expectProblem(res, 400, 'COMMON.VALIDATION_FAILED');
  });

  it('rejects a status change to an unknown status', async () => {
    const res = await api.post(`/v1/orders/${aliceOrder.id}/status`, { status: 'teleported' }, admin.accessToken);
    expectValidationProblem(res, 'status');
  });
});

describe('profile updates', () => {
  it('changes the displayName on PATCH /v1/users/me', async () => {
    const res = await api.patch('/v1/users/me', { displayName: 'Bob Renamed' }, bob.tokens.accessToken);
    expectStatus(res, 200, 'PATCH /v1/users/me');
    expect(res.body).toMatchObject({ id: bob.id, email: bob.email, displayName: 'Bob Renamed' });
    const after = await api.get('/v1/users/me', bob.tokens.accessToken);
    expect(after.body.displayName).toBe('Bob Renamed');
  });

  it.each([
    ['email', { email: 'new@example.com' }],
    ['id', { id: randomUUID() }],
  ])('refuses to change %s with 400', async (field, body) => {
    const res = await api.patch('/v1/users/me', { displayName: 'Alice', ...body }, alice.tokens.accessToken);
    expectValidationProblem(res, field);
    const after = await api.get('/v1/users/me', alice.tokens.accessToken);
    expect(after.body).toMatchObject({ id: alice.id, email: alice.email, displayName: alice.displayName });
  });
});

describe('authentication', () => {
  const protectedRoutes: [string, string][] = [
    ['GET', '/v1/users/me'],
    ['GET', '/v1/orders'],
    ['POST', '/v1/orders'],
    ['GET', '/v1/notifications'],
    ['GET', '/v1/users'],
  ];

  it.each(protectedRoutes)('%s %s answers 401 without a token', async (method, path) => {
    const res = method === 'GET' ? await api.get(path) : await api.post(path, sampleOrder());
    expectProblem(res, 401, 'COMMON.UNAUTHENTICATED');
  });

  it.each([
    ['garbage', async () => 'not.a.jwt'],
    ['claims escalated to admin', async () => withEscalatedClaims(alice.tokens.accessToken)],
    ['alg none', async () => unsigned(alice.tokens.accessToken)],
    ['signed by a foreign key', async () => signedWithForeignKey(alice.tokens.accessToken)],
  ])('rejects a token that is %s with 401', async (_case, forge) => {
    const token = await forge();
    expectProblem(await api.get('/v1/users/me', token), 401, 'COMMON.UNAUTHENTICATED');
    expectProblem(await api.get('/v1/users', token), 401, 'COMMON.UNAUTHENTICATED');
  });

  it('answers a wrong password and an unknown email with the same 401 body', async () => {
    const wrongPassword = await api.post('/v1/auth/login', { email: alice.email, password: 'definitely not it' });
    const unknownEmail = await api.post('/v1/auth/login', { email: uniqueEmail('ghost'), password: 'definitely not it' });
    const a = expectProblem(wrongPassword, 401, 'AUTH.INVALID_CREDENTIALS');
    const b = expectProblem(unknownEmail, 401, 'AUTH.INVALID_CREDENTIALS');
    // Only what identifies the request itself may differ.
    const { instance: _a, requestId: _ra, ...comparableA } = a;
    const { instance: _b, requestId: _rb, ...comparableB } = b;
    expect(comparableA).toEqual(comparableB);
  });
});

describe('authorization', () => {
  it.each([
    ['GET', '/v1/users', undefined],
    ['GET', '/v1/users/:alice', undefined],
    ['POST', '/v1/orders/:order/status', { status: 'confirmed' }],
    ['PUT', '/v1/users/:bob/roles', { roles: ['user', 'admin'] }],
    ['POST', '/v1/users/:bob/sessions/revoke', undefined],
  ])('%s %s answers 403 to a non-admin', async (method, template, body) => {
    const path = template.replace(':alice', alice.id).replace(':bob', bob.id).replace(':order', aliceOrder.id);
    const token = alice.tokens.accessToken;
    const res = method === 'GET' ? await api.get(path, token) : method === 'PUT' ? await api.put(path, body ?? {}, token) : await api.post(path, body, token);
    expectProblem(res, 403, 'COMMON.FORBIDDEN');
    expect(await api.get('/v1/users/me', bob.tokens.accessToken).then((r) => r.status)).toBe(200);
  });

  it('answers 403 to a non-admin filtering orders by userId', async () => {
    expectProblem(await api.get(`/v1/orders?userId=${bob.id}`, alice.tokens.accessToken), 403, 'COMMON.FORBIDDEN');
  });

  it('hides another user\'s order behind 404 for reading and cancelling', async () => {
    expectProblem(await api.get(`/v1/orders/${aliceOrder.id}`, bob.tokens.accessToken), 404, 'ORDERS.NOT_FOUND');
    expectProblem(await api.post(`/v1/orders/${aliceOrder.id}/cancel`, undefined, bob.tokens.accessToken), 404, 'ORDERS.NOT_FOUND');
    const untouched = await api.get(`/v1/orders/${aliceOrder.id}`, alice.tokens.accessToken);
    expect(untouched.body).toMatchObject({ status: 'pending', version: 1 });
  });

  it('never lists another user\'s orders', async () => {
    const page = await api.listOrders(bob.tokens.accessToken, '?limit=100');
    expect(page.items.every((o) => o.userId === bob.id)).toBe(true);
  });

  it('hides another user\'s notification behind 404', async () => {
    const welcome = await eventually<NotificationView>(
      async () => (await api.listNotifications(alice.tokens.accessToken)).items.find((n) => n.type === 'welcome'),
      { description: 'alice\'s welcome notification' },
    );
    const res = await api.post(`/v1/notifications/${welcome.id}/read`, undefined, bob.tokens.accessToken);
    expectProblem(res, 404, 'NOTIFICATIONS.NOT_FOUND');
    const stillUnread = await api.listNotifications(alice.tokens.accessToken, '?unread=true&limit=100');
    expect(stillUnread.items.map((n) => n.id)).toContain(welcome.id);
  });

  it('answers 404 for an order id that does not exist', async () => {
    expectProblem(await api.get(`/v1/orders/${randomUUID()}`, alice.tokens.accessToken), 404, 'ORDERS.NOT_FOUND');
  });

  it('lets an admin read any user and any order', async () => {
    const user = await api.get(`/v1/users/${alice.id}`, admin.accessToken);
    expectStatus(user, 200, 'admin GET user');
    expect(user.body).toMatchObject({ id: alice.id, email: alice.email });

    const byPrefix = await api.get(`/v1/users?email=${encodeURIComponent(alice.email.slice(0, 20))}`, admin.accessToken);
    expectStatus(byPrefix, 200, 'admin list users by email prefix');
    expect(byPrefix.body.items.map((u: { id: string }) => u.id)).toEqual([alice.id]);

    const order = await api.get(`/v1/orders/${aliceOrder.id}`, admin.accessToken);
    expectStatus(order, 200, 'admin GET order');
    expect(order.body).toMatchObject({ id: aliceOrder.id, userId: alice.id });

    const ordersOfAlice = await api.listOrders(admin.accessToken, `?userId=${alice.id}&limit=100`);
    expect(ordersOfAlice.items.length).toBeGreaterThan(0);
    expect(ordersOfAlice.items.every((o) => o.userId === alice.id)).toBe(true);
  });

  it('pages the admin user list without duplicates and filters by email prefix case-insensitively', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.get(`/v1/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, admin.accessToken);
      expectStatus(res, 200, 'admin list users');
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((u: { id: string }) => u.id));
      cursor = res.body.nextCursor;
    } while (cursor && seen.length < 500);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([alice.id, bob.id]));

    const shouted = await api.get(`/v1/users?email=${encodeURIComponent(alice.email.slice(0, 20).toUpperCase())}`, admin.accessToken);
    expect(shouted.body.items.map((u: { id: string }) => u.id)).toEqual([alice.id]);
  });

  it('lists every user\'s orders to an admin who gives no userId', async () => {
    await api.createOrder(bob.tokens.accessToken);
    const page = await api.listOrders(admin.accessToken, '?limit=100');
    const owners = new Set(page.items.map((o) => o.userId));
    expect(owners.has(alice.id) && owners.has(bob.id)).toBe(true);
  });

  it('answers 404 to an admin asking for a user that does not exist', async () => {
    expectProblem(await api.get(`/v1/users/${randomUUID()}`, admin.accessToken), 404, 'USERS.NOT_FOUND');
  });
});

describe('order lifecycle conflicts', () => {
  it('refuses an illegal transition with 409 and leaves the order unchanged', async () => {
    const order = await api.createOrder(alice.tokens.accessToken);
    const res = await api.post(`/v1/orders/${order.id}/status`, { status: 'shipped' }, admin.accessToken);
    expectProblem(res, 409, 'ORDERS.ILLEGAL_TRANSITION');
    const after = await api.get(`/v1/orders/${order.id}`, alice.tokens.accessToken);
    expect(after.body).toMatchObject({ status: 'pending', version: 1 });
  });

  it('refuses to cancel a shipped order with 409', async () => {
    const order = await api.createOrder(alice.tokens.accessToken);
    await api.changeStatus(admin.accessToken, order.id, 'confirmed');
    await api.changeStatus(admin.accessToken, order.id, 'shipped');
    const res = await api.post(`/v1/orders/${order.id}/cancel`, undefined, alice.tokens.accessToken);
    expectProblem(res, 409, 'ORDERS.ILLEGAL_TRANSITION');
  });

  it('refuses a status change with a stale If-Match with 409, then accepts the current version', async () => {
    const order = await api.createOrder(alice.tokens.accessToken);
    const confirmed = await api.changeStatus(admin.accessToken, order.id, 'confirmed');
    expect(confirmed.version).toBe(2);

    const stale = await api.post(`/v1/orders/${order.id}/status`, { status: 'shipped' }, admin.accessToken).set('if-match', '"1"');
    expectProblem(stale, 409, 'ORDERS.VERSION_CONFLICT');
    const unchanged = await api.get(`/v1/orders/${order.id}`, admin.accessToken);
    expect(unchanged.body).toMatchObject({ status: 'confirmed', version: 2 });

    const current = await api.post(`/v1/orders/${order.id}/status`, { status: 'shipped' }, admin.accessToken).set('if-match', '"2"');
    expectStatus(current, 200, 'status change with the current If-Match');
    expect(current.body).toMatchObject({ status: 'shipped', version: 3 });
  });
});

describe('optimistic locking header', () => {
  it('rejects an If-Match that is not an order ETag with 400', async () => {
    const res = await api.post(`/v1/orders/${aliceOrder.id}/cancel`, undefined, alice.tokens.accessToken).set('if-match', 'yesterday');
    expectValidationProblem(res, 'If-Match');
  });
});

describe('idempotent order creation', () => {
  let buyer: RegisteredUser;
  beforeAll(async () => {
    buyer = await api.register('idempotency');
  });

  it('replays the same order for the same key and body, and creates it once', async () => {
    const key = randomUUID();
    const first = await api.createOrder(buyer.tokens.accessToken, sampleOrder(), key);
    const replay = await api.post('/v1/orders', sampleOrder(), buyer.tokens.accessToken).set('idempotency-key', key);
    expectStatus(replay, 201, 'replayed create');
    expect(replay.body).toEqual(first);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const page = await api.listOrders(buyer.tokens.accessToken, '?limit=100');
    expect(page.items.filter((o) => o.id === first.id)).toHaveLength(1);
    expect(page.items).toHaveLength(1);
  });

  it('refuses the same key with a different body with 422', async () => {
    const key = randomUUID();
    await api.createOrder(buyer.tokens.accessToken, sampleOrder(), key);
    const res = await api.post('/v1/orders', sampleOrder({ currency: 'GBP' }), buyer.tokens.accessToken).set('idempotency-key', key);
    expectProblem(res, 422, 'ORDERS.IDEMPOTENCY_MISMATCH');
  });

  it('creates one order when the same key arrives twice concurrently', async () => {
    const key = randomUUID();
    const before = (await api.listOrders(buyer.tokens.accessToken, '?limit=100')).items.length;
    const [a, b] = await Promise.all([
      api.createOrder(buyer.tokens.accessToken, sampleOrder(), key),
      api.createOrder(buyer.tokens.accessToken, sampleOrder(), key),
    ]);
    expect(a.id).toBe(b.id);
    expect((await api.listOrders(buyer.tokens.accessToken, '?limit=100')).items).toHaveLength(before + 1);
  });

  it('rejects an Idempotency-Key longer than 128 characters with 400', async () => {
    const res = await api.post('/v1/orders', sampleOrder(), buyer.tokens.accessToken).set('idempotency-key', 'k'.repeat(129));
    expectValidationProblem(res, 'Idempotency-Key');
  });

  it('scopes keys to the user: another user with the same key gets their own order', async () => {
    const key = randomUUID();
    const mine = await api.createOrder(buyer.tokens.accessToken, sampleOrder(), key);
    const theirs = await api.createOrder(bob.tokens.accessToken, sampleOrder(), key);
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.userId).toBe(bob.id);
  });
});

describe('sessions', () => {
  const refresh = (refreshToken: string) => api.post('/v1/auth/refresh', { refreshToken });
  const profileStatus = async (accessToken: string) => (await api.get('/v1/users/me', accessToken)).status;
  const revokedAtGateway = (accessToken: string, what: string) =>
    eventually(async () => ((await profileStatus(accessToken)) === 401 ? true : undefined), { timeoutMs: 5_000, description: what });

  it('rotates the refresh token on every use', async () => {
    const user = await api.register('rotation');
    const res = await refresh(user.tokens.refreshToken);
    expectStatus(res, 200, 'refresh');
    const next = res.body as TokenPair;
    expect(next).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) });
    expect(next.refreshToken).not.toBe(user.tokens.refreshToken);
    expect(await profileStatus(next.accessToken)).toBe(200);
  });

  it('revokes the whole session when an old refresh token is reused', async () => {
    const user = await api.register('reuse');
    const rotated = (await refresh(user.tokens.refreshToken)).body as TokenPair;
    expect(await profileStatus(rotated.accessToken)).toBe(200);

    expectProblem(await refresh(user.tokens.refreshToken), 401);
    expectProblem(await refresh(rotated.refreshToken), 401);
    await revokedAtGateway(rotated.accessToken, 'the reused session\'s access token to be refused');
    expectProblem(await api.get('/v1/users/me', rotated.accessToken), 401);
  });

  it('keeps the user\'s other sessions alive when one session is revoked', async () => {
    const user = await api.register('multi');
    const other = await api.login(user.email, user.password);
    await refresh(user.tokens.refreshToken);
    await refresh(user.tokens.refreshToken); // reuse → revokes the first session only
    await revokedAtGateway(user.tokens.accessToken, 'the first session\'s access token to be refused');
    expect(await profileStatus(other.accessToken)).toBe(200);
    expectStatus(await refresh(other.refreshToken), 200, 'refresh of the untouched session');
  });

  it('logs out: 204, the refresh token is dead and the access token is refused shortly after', async () => {
    const user = await api.register('logout');
    const res = await api.post('/v1/auth/logout', { refreshToken: user.tokens.refreshToken }, user.tokens.accessToken);
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    expectProblem(await refresh(user.tokens.refreshToken), 401);
    await revokedAtGateway(user.tokens.accessToken, 'the logged-out access token to be refused');
  });

  it('refuses an unknown refresh token with 401', async () => {
    expectProblem(await refresh(randomUUID()), 401, 'AUTH.INVALID_REFRESH_TOKEN');
  });
});

describe('cursor pagination', () => {
  it('pages 25 orders by 10 in three pages, newest first, without duplicates or gaps', async () => {
    const shopper = await api.register('pager');
    const created: OrderView[] = [];
    for (let i = 0; i < 25; i++) created.push(await api.createOrder(shopper.tokens.accessToken, sampleOrder({ items: [{ ...item, quantity: i + 1 }] })));

    const pages: OrderView[][] = [];
    let cursor: string | null = null;
    do {
      const query = `?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.listOrders(shopper.tokens.accessToken, query);
      pages.push(page.items);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 5);

    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(cursor).toBeNull();
    const listed = pages.flat().map((o) => o.id);
    expect(listed).toEqual(created.map((o) => o.id).reverse());
  });

  it('filters by status across pages', async () => {
    const shopper = await api.register('filter');
    const kept = await api.createOrder(shopper.tokens.accessToken);
    const cancelled = await api.createOrder(shopper.tokens.accessToken);
    expectStatus(await api.post(`/v1/orders/${cancelled.id}/cancel`, undefined, shopper.tokens.accessToken), 200, 'cancel');
    const pending = await api.listOrders(shopper.tokens.accessToken, '?status=pending');
    expect(pending.items.map((o) => o.id)).toEqual([kept.id]);
  });
});

describe('HTTP edge', () => {
  it('answers an unknown route with a 404 problem', async () => {
    expectProblem(await api.get('/v1/no-such-thing', alice.tokens.accessToken), 404);
  });
});

describe('request ids', () => {
  it('echoes x-request-id on success and on problems', async () => {
    const ok = await api.get('/v1/users/me', alice.tokens.accessToken).set('x-request-id', 'e2e-req-ok');
    expect(ok.headers['x-request-id']).toBe('e2e-req-ok');
    const refused = await api.get('/v1/users/me').set('x-request-id', 'e2e-req-401');
    expect(refused.headers['x-request-id']).toBe('e2e-req-401');
  });

  it('generates an x-request-id when the client sends none', async () => {
    const res = await api.get('/v1/users/me', alice.tokens.accessToken);
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.headers['x-request-id'].length).toBeGreaterThan(7);
  });
});

describe('resilience', () => {
  it('delivers events published while notifications was down, exactly once, after it restarts', async () => {
    const shopper = await api.register('outage');
    await eventually(
      async () => ((await api.listNotifications(shopper.tokens.accessToken)).items.length === 1 ? true : undefined),
      { description: 'the welcome notification before the outage' },
    );

    await system.kill('notifications');
    const order = await api.createOrder(shopper.tokens.accessToken);
    expectStatus(await api.post(`/v1/orders/${order.id}/cancel`, undefined, shopper.tokens.accessToken), 200, 'cancel during outage');
    await system.start('notifications');

    const expected = ['order.created', 'order.status-changed', 'welcome'];
    const types = async () => (await api.listNotifications(shopper.tokens.accessToken, '?limit=100')).items.map((n) => n.type).sort();
    await eventually(async () => ((await types()).length >= expected.length ? true : undefined), {
      timeoutMs: 30_000,
      description: 'the notifications of the outage',
    });
    await consistently(async () => expect(await types()).toEqual(expected), 1_500);
  }, 240_000);

  it('answers 504 while orders is down, and the timed-out request never executes later', async () => {
    const shopper = await api.register('orders-outage');
    await system.kill('orders');
    const startedAt = Date.now();
    const res = await api.post('/v1/orders', sampleOrder(), shopper.tokens.accessToken);
    expectProblem(res, 504, 'COMMON.TIMEOUT');
    expect(Date.now() - startedAt).toBeLessThan(15_000);

    await system.start('orders');
    const placed = await api.createOrder(shopper.tokens.accessToken);
    // The request that timed out expired in the queue: the client was told it failed, so it must not happen.
    await consistently(async () => expect((await api.listOrders(shopper.tokens.accessToken)).items.map((o) => o.id)).toEqual([placed.id]), 1_500);
  }, 240_000);
});
