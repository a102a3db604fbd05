// The fuzzer's own assertions, without a system: each broken promise must be reported, a kept one must not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { violationsOf, type Observation } from './fuzz-oracle.js';
import { operationAddressedBy, operationsOf, type OpenApiDocument } from './openapi-operations.js';
import { percentEncode, requestsFor, type FuzzRequest, type FuzzWorld } from './request-arbitrary.js';
import { createResponseValidator } from './response-validator.js';

const ORDER = { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, userId: { type: 'string', format: 'uuid' }, note: { type: 'string', nullable: true } }, required: ['id', 'userId', 'note'] };
const problem = { 'application/problem+json': { schema: { type: 'object' } } };
const document: OpenApiDocument = {
  openapi: '3.0.0',
  paths: {
    '/v1/orders': {
      get: { responses: { '200': { content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Order' } }, nextCursor: { type: 'string', nullable: true } }, required: ['items', 'nextCursor'] } } } }, '400': { content: problem } }, security: [{ bearer: [] }] },
      post: { requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { currency: { type: 'string', pattern: '^[A-Z]{3}$' } }, required: ['currency'] } } } }, responses: { '201': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } } }, security: [{ bearer: [] }] },
    },
    '/v1/orders/{id}': {
      get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } } }, security: [{ bearer: [] }] },
    },
  },
  components: { schemas: { Order: ORDER } },
};
const operations = operationsOf(document);
const operation = (key: string) => {
  const found = operations.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no operation ${key}`);
  return found;
};
const validator = createResponseValidator(document);
const ALICE = '0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b7c8d';
const BOB = '0193b0b2-7c1a-7cc0-8b3e-2f1d5a6b7c8e';
const world: FuzzWorld = {
  idsOf: (resource, owner) => (resource === 'orders' ? [owner === 'alice' ? 'a0000000-0000-4000-8000-000000000001' : 'b0000000-0000-4000-8000-000000000002'] : []),
  credentials: () => [],
  refreshTokens: () => [],
  cursors: () => [],
};
const alice = { userId: ALICE, roles: ['user'] };

const request = (overrides: Partial<FuzzRequest> = {}): FuzzRequest => ({
  operation: 'GET /v1/orders/{id}', kind: 'valid', caller: 'alice', method: 'GET', url: `/v1/orders/${ALICE}`, headers: {}, ...overrides,
});
const answer = (status: number, body: unknown, contentType = status >= 400 ? 'application/problem+json' : 'application/json', requestId = 'r1'): Observation => ({
  status,
  headers: new Headers({ 'content-type': contentType, 'x-request-id': requestId }),
  text: typeof body === 'string' ? body : JSON.stringify(body),
  elapsedMs: 1,
});
const order = { id: ALICE, userId: ALICE, note: null };
const goodProblem = { type: 'https://plinth.dev/problems/x', title: 'T', status: 404, detail: 'd', instance: '/v1/orders/x', code: 'ORDERS.NOT_FOUND', requestId: 'r1' };
const check = (req: FuzzRequest, observation: Observation, addressed = req.operation) => violationsOf(req, addressed, alice, observation, validator, world);

describe('fuzz oracle', () => {
  it('accepts a documented 2xx and a well-formed problem', () => {
    expect(check(request(), answer(200, order))).toEqual([]);
    expect(check(request(), answer(404, goodProblem))).toEqual([]);
  });

  it.each([
    ['a 5xx', answer(500, { ...goodProblem, status: 500 }), /server error 500/],
    ['no answer', { ...answer(0, ''), failure: 'TimeoutError' }, /no HTTP answer/],
    ['a 4xx that is not problem+json', answer(404, goodProblem, 'application/json'), /not application\/problem\+json/],
    ['a problem with another status', answer(404, { ...goodProblem, status: 400 }), /problem.status/],
    ['a problem without a code', answer(404, { ...goodProblem, code: undefined }), /problem.code/],
    ['a problem whose requestId differs', answer(404, goodProblem, 'application/problem+json', 'other'), /requestId/],
    ['a stack trace', answer(404, { ...goodProblem, detail: 'at Object.handler (/srv/app.js:1:2)' }), /internals/],
    ['a driver message', answer(404, { ...goodProblem, detail: 'duplicate key value violates unique constraint "x"' }), /internals/],
    ['an ORM name', answer(404, { ...goodProblem, detail: 'MikroORM failed to hydrate' }), /internals/],
    ['an undocumented property', answer(200, { ...order, passwordHash: 'x' }), /additional properties \(passwordHash\)/],
    ['a missing property', answer(200, { id: ALICE, userId: ALICE }), /required property 'note'/],
    ['a wrong format', answer(200, { ...order, id: 'not-a-uuid' }), /must match format "uuid"/],
    ['an undocumented status', answer(202, order), /status 202 is not documented/],
    ['an undocumented content type', answer(200, 'x', 'text/html'), /content type text\/html/],
  ])('reports %s', (_case, observation, expected) => {
    expect(check(request(), observation).join('\n')).toMatch(expected);
  });

  it('does not read a driver name inside a longer word of generated data as a leak', () => {
    expect(check(request(), answer(404, { ...goodProblem, detail: 'no order for ~.zknexz.bkc@in6y' }))).toEqual([]);
  });

  it('reports a 2xx on another user\'s object (BOLA), unless the caller is an admin', () => {
    const probe = request({ kind: 'bola', objectOwner: 'bob' });
    expect(check(probe, answer(200, order))).toEqual(['BOLA: alice got 200 on an object of bob']);
    expect(violationsOf(probe, probe.operation, { userId: ALICE, roles: ['user', 'admin'] }, answer(200, order), validator, world)).toEqual([]);
  });

  it('reports another user\'s order in a non-admin list', () => {
    const list = request({ operation: 'GET /v1/orders', url: '/v1/orders' });
    expect(check(list, answer(200, { items: [order, { ...order, userId: BOB }], nextCursor: null }))).toEqual([`order ${ALICE} of another user listed`]);
  });

  it('validates against the operation the URL reaches: an empty id is the list', () => {
    expect(operationAddressedBy(operations, 'GET', '/v1/orders/')?.key).toBe('GET /v1/orders');
    expect(operationAddressedBy(operations, 'GET', `/v1/orders/${ALICE}?x=1`)?.key).toBe('GET /v1/orders/{id}');
    expect(operationAddressedBy(operations, 'DELETE', '/v1/orders')).toBeUndefined();
  });
});

describe('fuzz request generation', () => {
  it('percent-encodes unpaired surrogates as the invalid UTF-8 a careless client sends', () => {
    expect(percentEncode('a\udfffb')).toBe('a%ED%BF%BFb');
    expect(percentEncode('ok 👍/')).toBe(encodeURIComponent('ok 👍/'));
  });

  it('makes valid, mutated and BOLA requests, reproducibly for a seed', () => {
    const arbitrary = requestsFor(operation('GET /v1/orders/{id}'), world);
    const first = fc.sample(arbitrary, { numRuns: 200, seed: 7 });
    expect(fc.sample(arbitrary, { numRuns: 200, seed: 7 })).toEqual(first);
    expect(new Set(first.map((one) => one.kind))).toEqual(new Set(['valid', 'mutated', 'bola']));
    for (const probe of first.filter((one) => one.kind === 'bola')) {
      expect(probe.objectOwner).not.toBe(probe.caller);
      expect(probe.url).toBe(`/v1/orders/${world.idsOf('orders', probe.objectOwner ?? 'admin')[0]}`);
    }
  });

  it('generates valid bodies that satisfy the documented pattern', () => {
    const create = operation('POST /v1/orders');
    const valid = fc.sample(requestsFor(create, world), { numRuns: 100, seed: 3 }).filter((one) => one.kind === 'valid');
    expect(valid.length).toBeGreaterThan(10);
    for (const one of valid) expect(JSON.parse(one.body ?? '{}').currency).toMatch(/^[A-Z]{3}$/);
  });
});
