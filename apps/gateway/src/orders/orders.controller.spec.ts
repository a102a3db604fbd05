import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ApplicationError, ErrorCodes, OrdersRpc, type OrderView } from '@plinth/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';

let t: GatewayTestApp;
let customer: { id: string; token: string };
let admin: { id: string; token: string };

const order = (overrides: Partial<OrderView> = {}): OrderView => ({
  id: randomUUID(),
  userId: customer.id,
  status: 'pending',
  currency: 'EUR',
  items: [{ sku: 'SKU-1001', quantity: 2, unitPrice: 1999 }],
  total: 3998,
  version: 1,
  createdAt: '2026-11-24T12:00:00.000Z',
  updatedAt: '2026-11-24T12:00:00.000Z',
  ...overrides,
});
const body = { currency: 'EUR', items: [{ sku: 'SKU-1001', quantity: 2, unitPrice: 1999 }] };
const http = () => request(t.app.getHttpServer());
const as = (who: { token: string }) => ({ authorization: `Bearer ${who.token}` });

beforeAll(async () => {
  t = await createGatewayTestApp();
  const [customerId, adminId] = [randomUUID(), randomUUID()];
  customer = { id: customerId, token: await t.token({ sub: customerId, roles: ['user'] }) };
  admin = { id: adminId, token: await t.token({ sub: adminId, roles: ['user', 'admin'] }) };
});
afterAll(() => t.close());
beforeEach(() => t.rpc.clearCalls());

describe('POST /v1/orders', () => {
  it('creates: 201, the order, ETag, Location; sends actor, body and idempotency key', async () => {
    const created = order();
    t.rpc.reply(OrdersRpc.create, { order: created, replayed: false });
    const res = await http().post('/v1/orders').set(as(customer)).set('idempotency-key', 'key-1').send(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual(created);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/v1/orders/${created.id}`);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(t.rpc.payloadsOf(OrdersRpc.create)).toEqual([
      { actor: { userId: customer.id, roles: ['user'] }, ...body, idempotencyKey: 'key-1' },
    ]);
  });

  it('marks a replay: 201, the same order, Idempotent-Replayed: true', async () => {
    const created = order();
    t.rpc.reply(OrdersRpc.create, { order: created, replayed: true });
    const res = await http().post('/v1/orders').set(as(customer)).set('idempotency-key', 'key-1').send(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual(created);
    expect(res.headers['idempotent-replayed']).toBe('true');
  });

  it('sends no idempotency key when the header is absent', async () => {
    t.rpc.reply(OrdersRpc.create, { order: order(), replayed: false });
    await http().post('/v1/orders').set(as(customer)).send(body).expect(201);
    expect(t.rpc.payloadsOf(OrdersRpc.create)[0]).not.toHaveProperty('idempotencyKey');
  });

  it('answers a key reused with another body with 422', async () => {
    t.rpc.reply(OrdersRpc.create, () => {
      throw new ApplicationError(ErrorCodes.ORDERS_IDEMPOTENCY_MISMATCH, 'This Idempotency-Key was used with a different request.');
    });
    const res = await http().post('/v1/orders').set(as(customer)).set('idempotency-key', 'key-1').send(body);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: ErrorCodes.ORDERS_IDEMPOTENCY_MISMATCH });
  });

  it('refuses an invalid Idempotency-Key with 400 before any RPC', async () => {
    const res = await http().post('/v1/orders').set(as(customer)).set('idempotency-key', 'k'.repeat(129)).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    expect(t.rpc.payloadsOf(OrdersRpc.create)).toEqual([]);
  });

  it.each([
    ['a client-supplied total', { ...body, total: 1 }, 'total'],
    ['an unknown item field', { ...body, items: [{ ...body.items[0], discount: 5 }] }, 'items.0.discount'],
    ['quantity 0', { ...body, items: [{ ...body.items[0], quantity: 0 }] }, 'items.0.quantity'],
    ['no items', { ...body, items: [] }, 'items'],
    ['a lowercase currency', { ...body, currency: 'eur' }, 'currency'],
  ])('refuses %s with 400 naming %s', async (_case, invalid, field) => {
    const res = await http().post('/v1/orders').set(as(customer)).send(invalid);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(ErrorCodes.VALIDATION_FAILED);
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(t.rpc.payloadsOf(OrdersRpc.create)).toEqual([]);
  });
});

describe('GET /v1/orders', () => {
  it('lists: { items, nextCursor } and forwards limit, cursor and status', async () => {
    const page = { items: [order()], nextCursor: 'abc' };
    t.rpc.reply(OrdersRpc.list, page);
    const res = await http().get('/v1/orders?limit=10&cursor=abc&status=pending').set(as(customer));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(page);
    expect(t.rpc.payloadsOf(OrdersRpc.list)).toEqual([
      { actor: { userId: customer.id, roles: ['user'] }, limit: 10, cursor: 'abc', status: 'pending' },
    ]);
  });

  it.each(['0', '101', 'abc', '1.5'])('refuses limit=%s with 400 naming limit', async (limit) => {
    const res = await http().get(`/v1/orders?limit=${limit}`).set(as(customer));
    expect(res.status).toBe(400);
    expect(new Set(res.body.errors.map((error: { field: string }) => error.field))).toEqual(new Set(['limit']));
    expect(t.rpc.calls.filter((call) => call.pattern === OrdersRpc.list)).toEqual([]);
  });

  it('refuses an unknown query parameter with 400', async () => {
    const res = await http().get('/v1/orders?sort=asc').set(as(customer));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { field: string }) => error.field)).toEqual(['sort']);
  });

  it('refuses ?userId from a non-admin with 403', async () => {
    const res = await http().get(`/v1/orders?userId=${randomUUID()}`).set(as(customer));
    expect(res.status).toBe(403);
    expect(t.rpc.payloadsOf(OrdersRpc.list)).toEqual([]);
  });

  it('forwards ?userId from an admin', async () => {
    t.rpc.reply(OrdersRpc.list, { items: [], nextCursor: null });
    const userId = randomUUID();
    await http().get(`/v1/orders?userId=${userId}`).set(as(admin)).expect(200);
    expect(t.rpc.payloadsOf(OrdersRpc.list)[0]).toMatchObject({ userId });
  });
});

describe('GET /v1/orders/:id', () => {
  it('returns the order with its ETag', async () => {
    const found = order({ version: 4 });
    t.rpc.reply(OrdersRpc.get, found);
    const res = await http().get(`/v1/orders/${found.id}`).set(as(customer));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(found);
    expect(res.headers.etag).toBe('"4"');
    expect(t.rpc.payloadsOf(OrdersRpc.get)).toEqual([{ actor: { userId: customer.id, roles: ['user'] }, orderId: found.id }]);
  });

  it('refuses a non-UUID id with 400 before any RPC', async () => {
    const res = await http().get('/v1/orders/not-a-uuid').set(as(customer));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: ErrorCodes.VALIDATION_FAILED, errors: [{ field: 'id', message: expect.any(String) }] });
    expect(t.rpc.payloadsOf(OrdersRpc.get)).toEqual([]);
  });

  it('answers 404 ORDERS.NOT_FOUND as problem+json', async () => {
    t.rpc.reply(OrdersRpc.get, () => {
      throw new ApplicationError(ErrorCodes.ORDERS_NOT_FOUND, 'Order not found.');
    });
    const id = randomUUID();
    const res = await http().get(`/v1/orders/${id}`).set(as(customer)).set('x-request-id', 'req-404');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'https://plinth.dev/problems/orders-not-found',
      title: 'Order not found',
      status: 404,
      detail: 'Order not found.',
      instance: `/v1/orders/${id}`,
      code: ErrorCodes.ORDERS_NOT_FOUND,
      requestId: 'req-404',
    });
  });
});

describe('POST /v1/orders/:id/cancel and /status', () => {
  it('cancels with If-Match as expectedVersion and returns the new ETag', async () => {
    const cancelled = order({ status: 'cancelled', version: 3 });
    t.rpc.reply(OrdersRpc.cancel, cancelled);
    const res = await http().post(`/v1/orders/${cancelled.id}/cancel`).set(as(customer)).set('if-match', '"2"');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(cancelled);
    expect(res.headers.etag).toBe('"3"');
    expect(t.rpc.payloadsOf(OrdersRpc.cancel)).toEqual([
      { actor: { userId: customer.id, roles: ['user'] }, orderId: cancelled.id, expectedVersion: 2 },
    ]);
  });

  it('cancels without If-Match, sending no expectedVersion', async () => {
    const cancelled = order({ status: 'cancelled', version: 2 });
    t.rpc.reply(OrdersRpc.cancel, cancelled);
    await http().post(`/v1/orders/${cancelled.id}/cancel`).set(as(customer)).expect(200);
    expect(t.rpc.payloadsOf(OrdersRpc.cancel)[0]).not.toHaveProperty('expectedVersion');
  });

  it('answers a stale If-Match with 409 VERSION_CONFLICT', async () => {
    t.rpc.reply(OrdersRpc.cancel, () => {
      throw new ApplicationError(ErrorCodes.ORDERS_VERSION_CONFLICT, 'The order changed.');
    });
    const res = await http().post(`/v1/orders/${randomUUID()}/cancel`).set(as(customer)).set('if-match', '"1"');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe(ErrorCodes.ORDERS_VERSION_CONFLICT);
  });

  it('refuses a malformed If-Match with 400', async () => {
    const res = await http().post(`/v1/orders/${randomUUID()}/cancel`).set(as(customer)).set('if-match', 'yesterday');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'If-Match', message: expect.any(String) }]);
  });

  it('changes status as admin with If-Match', async () => {
    const confirmed = order({ status: 'confirmed', version: 2 });
    t.rpc.reply(OrdersRpc.changeStatus, confirmed);
    const res = await http().post(`/v1/orders/${confirmed.id}/status`).set(as(admin)).set('if-match', '1').send({ status: 'confirmed' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(t.rpc.payloadsOf(OrdersRpc.changeStatus)).toEqual([
      { actor: { userId: admin.id, roles: ['user', 'admin'] }, orderId: confirmed.id, status: 'confirmed', expectedVersion: 1 },
    ]);
  });

  it('answers an illegal transition with 409', async () => {
    t.rpc.reply(OrdersRpc.changeStatus, () => {
      throw new ApplicationError(ErrorCodes.ORDERS_ILLEGAL_TRANSITION, 'pending → shipped is not allowed.');
    });
    const res = await http().post(`/v1/orders/${randomUUID()}/status`).set(as(admin)).send({ status: 'shipped' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: ErrorCodes.ORDERS_ILLEGAL_TRANSITION, detail: 'pending → shipped is not allowed.' });
  });

  it('refuses a status change by a non-admin with 403', async () => {
    const res = await http().post(`/v1/orders/${randomUUID()}/status`).set(as(customer)).send({ status: 'confirmed' });
    expect(res.status).toBe(403);
    expect(t.rpc.payloadsOf(OrdersRpc.changeStatus)).toEqual([]);
  });
});
