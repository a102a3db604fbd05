// Strict parsing at the HTTP edge (issue 22): JSON nesting bounded before parsing, prototype keys refused by the
// body parser, every undeclared body property or query parameter refused whatever its name, and query integers
// read only when written as plain decimal digits.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AuthRpc, ErrorCodes, OrdersRpc, UsersRpc } from '@plinth/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';
import { assertJsonNesting, MAX_JSON_NESTING } from './json-nesting.js';
import { findPrototypeKey } from './prototype-keys.middleware.js';

let t: GatewayTestApp;
let token: string;
const profile = { id: randomUUID(), email: 'a@example.com', displayName: 'A', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };

beforeAll(async () => {
  t = await createGatewayTestApp();
  t.rpc.reply(UsersRpc.updateProfile, profile);
  t.rpc.reply(UsersRpc.getProfile, profile);
  t.rpc.reply(OrdersRpc.list, { items: [], nextCursor: null });
  token = await t.token();
});
afterAll(() => t.close());
beforeEach(() => t.rpc.clearCalls());

const patchMe = (body: string) =>
  request(t.app.getHttpServer()).patch('/v1/users/me').set('authorization', `Bearer ${token}`).set('content-type', 'application/json').send(body);
const listOrders = (query: string) => request(t.app.getHttpServer()).get(`/v1/orders?${query}`).set('authorization', `Bearer ${token}`);

const expectRefusal = (res: request.Response, field?: string): void => {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe(ErrorCodes.VALIDATION_FAILED);
  if (field !== undefined) expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  expect(t.rpc.calls.filter((call) => call.pattern !== AuthRpc.jwks)).toHaveLength(0);
};

describe('JSON nesting', () => {
  const nested = (depth: number): string => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

  it(`accepts ${MAX_JSON_NESTING} levels and refuses ${MAX_JSON_NESTING + 1}`, () => {
    expect(() => assertJsonNesting(Buffer.from(nested(MAX_JSON_NESTING)))).not.toThrow();
    expect(() => assertJsonNesting(Buffer.from(nested(MAX_JSON_NESTING + 1)))).toThrow(/nests deeper than 64 levels/);
    expect(() => assertJsonNesting(Buffer.from('['.repeat(MAX_JSON_NESTING + 1)))).toThrow(/nests deeper/);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ displayName: `\\"${'{['.repeat(200)}"` });
    expect(() => assertJsonNesting(Buffer.from(text))).not.toThrow();
  });

  it('answers a deeply nested body with 400 problem+json, without parsing or calling anything', async () => {
    const res = await patchMe(`{"displayName":"x","deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expectRefusal(res);
    expect(res.body.detail).toBe('The request body nests deeper than 64 levels.');
  });

  it('checks 90 kB of nesting quickly', () => {
    const body = Buffer.from('['.repeat(45_000) + ']'.repeat(45_000));
    const started = performance.now();
    expect(() => assertJsonNesting(body)).toThrow();
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('prototype keys in JSON bodies', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses "%s" at the top level', async (key) => {
    expectRefusal(await patchMe(`{"displayName":"x","${key}":{"polluted":true}}`), key);
  });

  it('refuses them nested, with the path of the key', () => {
    expect(findPrototypeKey(JSON.parse('{"items":[{"sku":"a"},{"constructor":{"prototype":{}}}]}'))).toBe('items.1.constructor');
    expect(findPrototypeKey(JSON.parse('{"a":{"b":{"__proto__":1}}}'))).toBe('a.b.__proto__');
    expect(findPrototypeKey({ items: [{ sku: 'a' }] })).toBeUndefined();
  });

  it('refuses an escaped spelling of __proto__ (JSON.parse decodes the key)', async () => {
    expectRefusal(await patchMe('{"displayName":"x","__pro\\u0074o__":{}}'), '__proto__');
  });

  it('leaves Object.prototype unpolluted', async () => {
    await patchMe('{"displayName":"x","__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('unknown properties, whatever their name', () => {
  it.each(['toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf', 'role'])('refuses body property "%s"', async (key) => {
    expectRefusal(await patchMe(`{"displayName":"x","${key}":1}`), key);
  });

  it('refuses them in nested objects, with the dotted path', async () => {
    const res = await request(t.app.getHttpServer()).post('/v1/orders').set('authorization', `Bearer ${token}`)
      .send({ currency: 'EUR', items: [{ sku: 'A-1', quantity: 1, unitPrice: 1 }, { sku: 'A-2', quantity: 1, unitPrice: 1, toString: 1 }] } as object);
    expectRefusal(res, 'items.1.toString');
  });

  it.each(['__proto__=1', 'constructor=1', 'toString=1', 'prototype=1', 'page=2'])('refuses query parameter %s', async (query) => {
    expectRefusal(await listOrders(query), query.split('=')[0]);
  });

  it('refuses query parameters and body properties on routes that declare none', async () => {
    const me = await request(t.app.getHttpServer()).get('/v1/users/me?constructor=1').set('authorization', `Bearer ${token}`);
    expectRefusal(me, 'constructor');
    const cancel = await request(t.app.getHttpServer()).post(`/v1/orders/${randomUUID()}/cancel`).set('authorization', `Bearer ${token}`).send({ reason: 'x' });
    expectRefusal(cancel, 'reason');
  });

  it('still accepts exactly the declared properties', async () => {
    const res = await patchMe('{"displayName":"Ada"}');
    expect(res.status).toBe(200);
  });
});

describe('query integers are decimal digits only', () => {
  it.each(['05', '%2B5', '0x10', '1e1', '%205', '5.0', '-1', '0b1', '', '1%2C2'])('refuses limit=%s', async (value) => {
    expectRefusal(await listOrders(`limit=${value}`), 'limit');
  });

  it.each([['1', 1], ['10', 10], ['100', 100]])('reads limit=%s as %i', async (value, limit) => {
    const res = await listOrders(`limit=${value}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(t.rpc.payloadsOf(OrdersRpc.list)[0]).toMatchObject({ limit });
  });

  it('says how to write it', async () => {
    const res = await listOrders('limit=05');
    expect(res.body.errors).toContainEqual({ field: 'limit', message: 'limit must be an integer written in decimal digits only: no sign, no leading zeros, no exponent' });
  });
});
