// The OpenAPI document is generated from the decorators and committed as apps/gateway/openapi.json: the typed client
// and the contract tests are built from that file, so a change to the code that changes the document fails here
// until the file is regenerated (`npm run openapi`), and the diff shows what clients will see.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '@plinth/testing';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';
import { buildOpenApiDocument } from './openapi.js';

const DOCUMENT_FILE = join(workspaceRoot(), 'apps', 'gateway', 'openapi.json');
const serialize = (document: unknown): string => `${JSON.stringify(document, null, 2)}\n`;

let t: GatewayTestApp;
let document: ReturnType<typeof buildOpenApiDocument>;

beforeAll(async () => {
  t = await createGatewayTestApp();
  document = buildOpenApiDocument(t.app);
  if (process.env.UPDATE_OPENAPI_DOCUMENT === '1') writeFileSync(DOCUMENT_FILE, serialize(document));
});
afterAll(() => t.close());

describe('apps/gateway/openapi.json', () => {
  it('is the document the code generates (regenerate with `npm run openapi`)', () => {
    expect(readFileSync(DOCUMENT_FILE, 'utf8'), 'apps/gateway/openapi.json is stale: run `npm run openapi` and commit it').toBe(serialize(document));
  });

  it('is what /docs-json serves', async () => {
    const res = await request(t.app.getHttpServer()).get('/docs-json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(serialize(document)));
  });
});

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema };
const schemaOf = (name: string): Schema => (document.components?.schemas ?? {})[name] as Schema;
// The document's own JSON, walked loosely: the assertions say what each place must hold.
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const operation = (path: string, method: string): Loose => (document.paths[path] as Record<string, Loose>)[method];

describe('the document states what the server enforces', () => {
  it('types integers as integers, never as number', () => {
    expect(schemaOf('OrderItemInput').properties).toMatchObject({
      quantity: { type: 'integer', minimum: 1, maximum: 1000 },
      unitPrice: { type: 'integer', minimum: 0, maximum: 100_000_000 },
    });
    const limit = operation('/v1/orders', 'get').parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toEqual({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
    expect(limit.description).toMatch(/decimal digits only/);
    expect(JSON.stringify(document).includes('"type":"number"'), 'a number type in the document').toBe(false);
  });

  it('gives formats: uuid path ids, emails, timestamps', () => {
    for (const path of ['/v1/users/{id}', '/v1/orders/{id}', '/v1/notifications/{id}/read']) {
      const method = path.endsWith('read') ? 'post' : 'get';
      expect(operation(path, method).parameters.find((p: { in: string }) => p.in === 'path').schema).toMatchObject({ type: 'string', format: 'uuid' });
    }
    expect(schemaOf('RegisterRequest').properties?.email).toMatchObject({ format: 'email', maxLength: 254 });
    expect(schemaOf('LoginRequest').properties?.email).toMatchObject({ format: 'email', maxLength: 254 });
    expect(schemaOf('OrderView').properties?.createdAt).toMatchObject({ format: 'date-time' });
  });

  it('gives every length, size and item limit the validators apply', () => {
    expect(schemaOf('RefreshTokenRequest').properties?.refreshToken).toMatchObject({ minLength: 1, maxLength: 512 });
    expect(schemaOf('LoginRequest').properties?.password).toMatchObject({ minLength: 1, maxLength: 128 });
    expect(schemaOf('RegisterRequest').properties?.password).toMatchObject({ minLength: 12, maxLength: 128 });
    expect(schemaOf('SetRolesBody').properties?.roles).toMatchObject({ maxItems: 8, items: { enum: ['user', 'admin'] } });
    expect(schemaOf('CreateOrderBody').properties?.items).toMatchObject({ minItems: 1, maxItems: 100 });
    const cursor = operation('/v1/notifications', 'get').parameters.find((p: { name: string }) => p.name === 'cursor');
    expect(cursor.schema).toMatchObject({ maxLength: 512 });
  });

  it('describes the formats of If-Match, Idempotency-Key and Last-Event-ID', () => {
    const header = (path: string, method: string, name: string) => operation(path, method).parameters.find((p: { name: string }) => p.name === name).schema;
    const ifMatch = new RegExp(header('/v1/orders/{id}/cancel', 'post', 'If-Match').pattern, 'u');
    expect(['"3"', 'W/"3"', '3', '*'].every((value) => ifMatch.test(value))).toBe(true);
    expect(['"0"', 'abc', '"3'].some((value) => ifMatch.test(value) && value !== '"3')).toBe(false);
    expect(header('/v1/orders', 'post', 'Idempotency-Key')).toMatchObject({ minLength: 1, maxLength: 128 });
    expect(new RegExp(header('/v1/notifications/stream', 'get', 'Last-Event-ID').pattern, 'u').test('42')).toBe(true);
  });

  it('closes every object schema: unknown properties are refused', () => {
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      expect((schema as Schema).additionalProperties, name).toBe(false);
    }
  });

  it('lists the refusals of the edge on every API operation, with Retry-After where it applies', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, Loose>)) {
        const statuses = Object.keys(op.responses);
        const where = `${method} ${path}`;
        expect(statuses, where).toContain('400');
        if (op.requestBody) expect(statuses, where).toEqual(expect.arrayContaining(['413', '415']));
        if (op.security) expect(statuses, where).toContain('401');
        if (path.startsWith('/v1/')) {
          expect(statuses, where).toEqual(expect.arrayContaining(['429', '500', '503', '504']));
          expect(op.responses['429'].headers['Retry-After'].schema.type).toBe('integer');
          expect(op.responses['503'].headers['Retry-After'].schema.type).toBe('integer');
        }
        for (const status of statuses.filter((s) => Number(s) >= 400)) {
          expect(op.responses[status].content['application/problem+json'].schema.$ref, `${where} ${status}`).toBe('#/components/schemas/ProblemDetailsModel');
        }
      }
    }
    expect(Object.keys(operation('/v1/users/{id}/roles', 'put').responses)).toContain('403');
    expect(Object.keys(operation('/v1/orders/{id}/status', 'post').responses)).toEqual(expect.arrayContaining(['403', '404', '409']));
  });

  it('gives real response schemas, not empty objects', () => {
    expect(operation('/v1/users/{id}/roles', 'put').responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/AuthenticatedUser');
    expect(schemaOf('AuthenticatedUser').required).toEqual(['id', 'email', 'displayName', 'roles']);
    expect(schemaOf('RevokeUserSessionsResult').properties?.revokedSessions).toMatchObject({ type: 'integer', minimum: 0 });
  });

  it('builds request examples from the properties\' examples', () => {
    expect(operation('/v1/orders', 'post').requestBody.content['application/json'].example).toEqual({
      currency: 'EUR',
      items: [{ sku: 'SKU-1001', quantity: 2, unitPrice: 1999 }],
    });
  });
});
