// The built gateway on a real RabbitMQ vhost of its own, with no service behind it: what a client
// sees when a dependency does not answer (504) and when the broker itself is gone (503 + Retry-After).
import { createTestVhost, startSystem, type RunningSystem, type TestVhost } from '@plinth/testing';
import { ErrorCodes } from '@plinth/contracts';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RPC_TIMEOUT_MS = 400;
const RETRY_AFTER_SECONDS = 7;
const login = { email: 'ada@example.com', password: 'correct horse battery staple' };

let vhost: TestVhost;
let system: RunningSystem;

beforeAll(async () => {
  // Our own vhost (not the system's), so that the test can delete it to take the broker away.
  vhost = await createTestVhost('gateway');
  system = await startSystem({
    services: ['gateway'],
    env: { RABBITMQ_URL: vhost.url, RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS), RETRY_AFTER_SECONDS: String(RETRY_AFTER_SECONDS) },
  });
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await vhost?.drop().catch(() => undefined);
}, 60_000);

const gateway = () => request(system.gatewayUrl);

describe('gateway on a real broker', () => {
  it('answers the orchestrator\'s probes without a token', async () => {
    expect((await gateway().get('/healthz')).status).toBe(200);
    expect((await gateway().get('/readyz')).status).toBe(200);
  });

  it('serves the Prometheus scrape without a token', async () => {
    const res = await gateway().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('http_server_request_duration_seconds');
  });

  it('answers an RPC nobody replies to with 504 problem+json after RPC_TIMEOUT_MS', async () => {
    const startedAt = Date.now();
    const res = await gateway().post('/v1/auth/login').set('x-request-id', 'timeout-1').send(login);
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 504, code: ErrorCodes.TIMEOUT, requestId: 'timeout-1', instance: '/v1/auth/login' });
    expect(res.text).not.toMatch(/auth\.login|auth\.rpc/);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(RPC_TIMEOUT_MS);
  });

  it('answers 503 problem+json with Retry-After while the broker is unreachable, and reports not ready', async () => {
    await vhost.drop();
    const deadline = Date.now() + 15_000;
    let res = await gateway().post('/v1/auth/login').send(login);
    // The broker closes the connection asynchronously; until then calls still time out.
    while (res.status !== 503 && Date.now() < deadline) res = await gateway().post('/v1/auth/login').send(login);

    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(res.body).toMatchObject({ status: 503, code: ErrorCodes.UNAVAILABLE });
    expect(res.body.detail).not.toMatch(/broker|amqp|rabbit/i);
    expect((await gateway().get('/readyz')).status).toBe(503);
  }, 30_000);
});
