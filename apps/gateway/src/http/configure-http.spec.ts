// The HTTP edge as a client sees it, independent of any resource: headers, limits, media types,
// request ids, error format and the API description.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ApplicationError, AuthRpc, ErrorCodes, UsersRpc } from '@plinth/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';

let t: GatewayTestApp;
let token: string;
const http = () => request(t.app.getHttpServer());
const profile = { id: randomUUID(), email: 'a@example.com', displayName: 'A', createdAt: 'x', updatedAt: 'x' };

beforeAll(async () => {
  t = await createGatewayTestApp();
  t.rpc.reply(UsersRpc.getProfile, profile);
  token = await t.token();
});
afterAll(() => t.close());

const expectProblem = (res: request.Response, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
};

describe('x-request-id', () => {
  it('echoes a valid id on success', async () => {
    const res = await http().get('/v1/users/me').set('authorization', `Bearer ${token}`).set('x-request-id', 'client-id-1');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('client-id-1');
  });

  it('echoes it on a problem and puts it in the body', async () => {
    const res = await http().get('/v1/users/me').set('x-request-id', 'client-id-2');
    expect(res.headers['x-request-id']).toBe('client-id-2');
    expect(res.body.requestId).toBe('client-id-2');
  });

  it('forwards the id and the caller\'s access token to services as AMQP headers', async () => {
    t.rpc.clearCalls();
    await http().get('/v1/users/me').set('authorization', `Bearer ${token}`).set('x-request-id', 'client-id-3').expect(200);
    const [call] = t.rpc.calls.filter((recorded) => recorded.pattern === UsersRpc.getProfile);
    expect(call.headers).toEqual({ 'x-request-id': 'client-id-3', 'x-access-token': token });
  });

  it('replaces an invalid id with a generated one', async () => {
    const res = await http().get('/v1/users/me').set('x-request-id', 'x'.repeat(129));
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('generates one when absent', async () => {
    const res = await http().get('/v1/users/me').set('authorization', `Bearer ${token}`);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('security headers', () => {
  it('sends HSTS, frame denial, nosniff and a CSP, and no x-powered-by', async () => {
    const res = await http().get('/v1/users/me').set('authorization', `Bearer ${token}`);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('forbids caching of API responses (they carry tokens and personal data)', async () => {
    const res = await http().get('/v1/users/me').set('authorization', `Bearer ${token}`);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers an allowed origin\'s preflight with the API headers', async () => {
    const res = await http().options('/v1/orders').set('origin', 'https://app.example.com')
      .set('access-control-request-method', 'POST').set('access-control-request-headers', 'authorization,idempotency-key');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(res.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
  });

  it('gives no CORS grant to an origin outside the allow-list', async () => {
    const res = await http().get('/v1/users/me').set('origin', 'https://evil.example.com').set('authorization', `Bearer ${token}`);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exposes ETag, x-request-id and Idempotent-Replayed to allowed browser origins', async () => {
    const res = await http().get('/v1/users/me').set('origin', 'https://app.example.com').set('authorization', `Bearer ${token}`);
    expect(res.headers['access-control-expose-headers']).toMatch(/x-request-id.*ETag.*Idempotent-Replayed/);
  });
});

describe('request bodies', () => {
  it('answers a body over BODY_LIMIT with 413 problem+json', async () => {
    const res = await http().post('/v1/auth/login').set('content-type', 'application/json')
      .send(JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(110 * 1024) }));
    expectProblem(res, 413, 'HTTP.PAYLOAD_TOO_LARGE');
  });

  it('answers a non-JSON body with 415 problem+json before any RPC', async () => {
    const before = t.rpc.calls.length;
    const res = await http().post('/v1/auth/login').set('content-type', 'application/x-www-form-urlencoded').send('email=a&password=b');
    expectProblem(res, 415, 'HTTP.UNSUPPORTED_MEDIA_TYPE');
    expect(t.rpc.calls.length).toBe(before);
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await http().post('/v1/auth/login').set('content-type', 'application/json').send('{"email":');
    expectProblem(res, 400, ErrorCodes.VALIDATION_FAILED);
  });

  it('accepts application/json with a charset', async () => {
    t.rpc.reply(AuthRpc.login, { user: {}, tokens: { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', expiresIn: 900 } });
    const res = await http().post('/v1/auth/login').set('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ email: 'a@example.com', password: 'secret password' }));
    expect(res.status).toBe(200);
  });
});

describe('error format', () => {
  it('answers an unknown route with 404 problem+json', async () => {
    expectProblem(await http().get('/v1/nothing-here').set('authorization', `Bearer ${token}`), 404, ErrorCodes.NOT_FOUND);
  });

  it('answers a known path with an unsupported method with 405 problem+json and Allow', async () => {
    const res = await http().delete(`/v1/orders/${randomUUID()}`).set('authorization', `Bearer ${token}`);
    expectProblem(res, 405, 'HTTP.METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('answers an RPC timeout with 504 and a detail that names no service', async () => {
    t.rpc.reply(UsersRpc.list, () => {
      throw new ApplicationError(ErrorCodes.TIMEOUT, 'No reply to users.list within 5000 ms');
    });
    const res = await http().get('/v1/users').set('authorization', `Bearer ${await t.token({ roles: ['admin'] })}`);
    expectProblem(res, 504, ErrorCodes.TIMEOUT);
    expect(res.body.detail).not.toMatch(/users/);
  });

  it('answers an unexpected failure with 500 and nothing of the original error', async () => {
    t.rpc.reply(UsersRpc.list, () => {
      throw new TypeError('connect ECONNREFUSED 10.0.0.7:5432 at Pool.connect (/app/node_modules/pg/lib/pool.js:1:1)');
    });
    const res = await http().get('/v1/users').set('authorization', `Bearer ${await t.token({ roles: ['admin'] })}`);
    expectProblem(res, 500, ErrorCodes.INTERNAL);
    expect(res.text).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|pool\.js/);
  });
});

describe('OpenAPI', () => {
  it('serves the UI at /docs', async () => {
    const res = await http().get('/docs/');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/swagger-ui/);
  });

  it('serves an OpenAPI 3 document at /docs-json with every route, bearer auth and problem+json errors', async () => {
    const res = await http().get('/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz', '/readyz',
      '/v1/auth/email/verification', '/v1/auth/email/verify',
      '/v1/auth/login', '/v1/auth/login/mfa', '/v1/auth/logout', '/v1/auth/mfa/totp', '/v1/auth/mfa/totp/confirm',
      '/v1/auth/password/change', '/v1/auth/password/forgot', '/v1/auth/password/reset',
      '/v1/auth/refresh', '/v1/auth/register', '/v1/auth/sessions', '/v1/auth/sessions/{id}',
      '/v1/notifications', '/v1/notifications/stream', '/v1/notifications/{id}/read',
      '/v1/orders', '/v1/orders/{id}', '/v1/orders/{id}/cancel', '/v1/orders/{id}/status',
      '/v1/products', '/v1/products/{sku}', '/v1/products/{sku}/stock',
      '/v1/users', '/v1/users/me', '/v1/users/me/preferences', '/v1/users/{id}', '/v1/users/{id}/disable', '/v1/users/{id}/enable',
      '/v1/users/{id}/roles', '/v1/users/{id}/security-events', '/v1/users/{id}/sessions/revoke',
    ]);
    const createOrder = doc.paths['/v1/orders'].post;
    expect(createOrder.security).toEqual([{ bearer: [] }]);
    expect(createOrder.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreateOrderBody');
    expect(createOrder.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/OrderView');
    expect(createOrder.responses['422'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/ProblemDetailsModel');
    expect(doc.paths['/v1/auth/login'].post.security).toBeUndefined();
  });
});

describe('rate limits', () => {
  let limited: GatewayTestApp;
  beforeAll(async () => {
    limited = await createGatewayTestApp({ config: { AUTH_RATE_LIMIT_PER_MINUTE: 2, TRUST_PROXY: '1' } });
    limited.rpc.reply(AuthRpc.login, () => {
      throw new ApplicationError(ErrorCodes.AUTH_INVALID_CREDENTIALS, 'Invalid email or password.');
    });
  });
  afterAll(() => limited.close());

  it('answers the request over the credential-route budget with 429 problem+json and Retry-After', async () => {
    const login = () => request(limited.app.getHttpServer()).post('/v1/auth/login').set('x-forwarded-for', '203.0.113.1')
      .send({ email: 'a@example.com', password: 'guess' });
    expect((await login()).status).toBe(401);
    expect((await login()).status).toBe(401);
    const res = await login();
    expectProblem(res, 429, ErrorCodes.RATE_LIMITED);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts clients behind the trusted proxy separately (TRUST_PROXY)', async () => {
    const res = await request(limited.app.getHttpServer()).post('/v1/auth/login').set('x-forwarded-for', '203.0.113.2')
      .send({ email: 'a@example.com', password: 'guess' });
    expect(res.status).toBe(401);
  });
});
