// The validator against the committed document: what it accepts, what it reports, and the document's own examples.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiDocumentValidator } from './api-document-validator.js';

const validator = new ApiDocumentValidator();
const json = { 'content-type': 'application/json; charset=utf-8' };
const problemJson = { 'content-type': 'application/problem+json; charset=utf-8' };
const order = {
  id: randomUUID(), userId: randomUUID(), status: 'pending', currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 5 }],
  total: 10, version: 1, createdAt: '2026-12-02T00:00:00.000Z', updatedAt: '2026-12-02T00:00:00.000Z',
};
const problem = (status: number, code: string) => ({
  type: 'https://plinth.dev/problems/x', title: 'T', status, detail: 'd', instance: '/v1/orders', code, requestId: 'r-1',
});

describe('ApiDocumentValidator', () => {
  it('finds the operation of a concrete path, literal segments first', () => {
    expect(validator.operationOf('GET', `/v1/orders/${randomUUID()}?x=1`)).toEqual({ method: 'get', template: '/v1/orders/{id}' });
    expect(validator.operationOf('GET', '/v1/users/me')).toEqual({ method: 'get', template: '/v1/users/me' });
    expect(validator.operationOf('GET', `/v1/users/${randomUUID()}`)).toEqual({ method: 'get', template: '/v1/users/{id}' });
    expect(validator.operationOf('DELETE', '/v1/orders')).toBeUndefined();
  });

  it('accepts responses that match the document', () => {
    expect(validator.problemsOf({ method: 'GET', path: `/v1/orders/${order.id}`, status: 200, headers: { ...json, etag: '"1"' }, body: order })).toEqual([]);
    expect(validator.problemsOf({ method: 'GET', path: '/v1/orders', status: 200, headers: json, body: { items: [order], nextCursor: null } })).toEqual([]);
    expect(validator.problemsOf({ method: 'POST', path: '/v1/auth/logout', status: 204, headers: {}, body: undefined })).toEqual([]);
    expect(validator.problemsOf({ method: 'GET', path: '/v1/orders', status: 429, headers: { ...problemJson, 'Retry-After': '3' }, body: problem(429, 'COMMON.RATE_LIMITED') })).toEqual([]);
  });

  it('reports an undocumented status, media type, a body that breaks its schema and a bad header', () => {
    const where = { method: 'GET', path: `/v1/orders/${order.id}` };
    expect(validator.problemsOf({ ...where, status: 418, headers: json, body: order })[0]).toMatch(/status 418 is not documented/);
    expect(validator.problemsOf({ ...where, status: 200, headers: { 'content-type': 'text/html' }, body: '<p>' })[0]).toMatch(/media type "text\/html"/);
    expect(validator.problemsOf({ ...where, status: 200, headers: json, body: { ...order, quantity: undefined, total: 1.5 } })[0]).toMatch(/total must be integer/);
    expect(validator.problemsOf({ ...where, status: 200, headers: json, body: { ...order, secret: 'x' } })[0]).toMatch(/additional properties/);
    expect(validator.problemsOf({ ...where, status: 200, headers: json, body: { ...order, id: 'not-a-uuid' } })[0]).toMatch(/format/);
    expect(validator.problemsOf({ ...where, status: 200, headers: { ...json, etag: 'W/abc' }, body: order })[0]).toMatch(/header ETag/);
    expect(validator.problemsOf({ method: 'GET', path: '/v1/orders', status: 429, headers: { ...problemJson, 'retry-after': 'soon' }, body: problem(429, 'x') })[0]).toMatch(/Retry-After/);
    expect(() => validator.assertMatches({ ...where, status: 418, headers: json, body: order })).toThrow(/does not match apps\/gateway\/openapi.json/);
  });

  it('validates every example of the document against its schema', () => {
    const problems: string[] = [];
    for (const [template, item] of Object.entries(validator.document.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, { requestBody?: { content: Record<string, { example?: unknown }> }; responses: Record<string, { content?: Record<string, { example?: unknown }> }> }>)) {
        for (const [media, { example }] of Object.entries(operation.requestBody?.content ?? {})) {
          if (example !== undefined) problems.push(...validator.problemsAgainst(example, 'paths', template, method, 'requestBody', 'content', media, 'schema').map((p) => `${method} ${template} request: ${p}`));
        }
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const [media, { example }] of Object.entries(response.content ?? {})) {
            if (example !== undefined) problems.push(...validator.problemsAgainst(example, 'paths', template, method, 'responses', status, 'content', media, 'schema').map((p) => `${method} ${template} ${status}: ${p}`));
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
