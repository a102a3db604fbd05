// Limits that the other specs relax or cannot reach: a separate, smaller system (no orders or
// notifications) with auth issuing the shortest access tokens it allows and the gateway's default
// budgets on credential routes (per client address) and on logins (per account).
import type { TokenPair } from '@plinth/contracts';
import type { RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { eventually } from './support/eventually.js';
import { claimsOf, expectStatus, PlinthApi } from './support/plinth-api.js';
import { expectProblem } from './support/problem-assertions.js';

// The shortest lifetime auth and gateway accept; the gateway's clock tolerance is switched off so
// the wait is the lifetime itself.
const TTL_SECONDS = 60;
const CREDENTIAL_REQUESTS_PER_MINUTE = 60;
const LOGIN_ATTEMPTS_PER_ACCOUNT = 10;
const SERVICES = ['auth', 'users', 'gateway'] as const;

describe('production limits', () => {
  let system: RunningSystem;
  let api: PlinthApi;

  beforeAll(async () => {
    system = await startE2eSystem({
      services: [...SERVICES],
      env: {
        ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS),
        JWT_CLOCK_TOLERANCE_SECONDS: '0',
        AUTH_RATE_LIMIT_PER_MINUTE: String(CREDENTIAL_REQUESTS_PER_MINUTE),
        LOGIN_ATTEMPTS_PER_ACCOUNT: String(LOGIN_ATTEMPTS_PER_ACCOUNT),
      },
    });
    api = new PlinthApi(system.gatewayUrl);
  }, SYSTEM_START_TIMEOUT_MS);

  afterAll(() => stopE2eSystem(system, 'production-limits', SERVICES), 60_000);

  it('throttles a credential route per client address with 429 and Retry-After', async () => {
    // Invalid bodies still count (the throttler runs before validation) and cost auth nothing.
    for (let i = 0; i < CREDENTIAL_REQUESTS_PER_MINUTE; i++) {
      expectProblem(await api.post('/v1/auth/refresh', {}), 400, 'COMMON.VALIDATION_FAILED');
    }
    const throttled = await api.post('/v1/auth/refresh', {});
    expectProblem(throttled, 429, 'COMMON.RATE_LIMITED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  }, 60_000);

  it('locks an account\'s logins after repeated failures, even with the right password, and only that account', async () => {
    const [target, bystander] = [await api.register('lockout'), await api.register('bystander')];
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_ACCOUNT; i++) {
      expectProblem(await api.post('/v1/auth/login', { email: target.email, password: 'not the password' }), 401, 'AUTH.INVALID_CREDENTIALS');
    }
    const locked = await api.post('/v1/auth/login', { email: target.email, password: target.password });
    expectProblem(locked, 429, 'COMMON.RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expectStatus(await api.post('/v1/auth/login', { email: bystander.email, password: bystander.password }), 200, 'another account');
  }, 60_000);

  it('refuses an expired access token with 401, and a refresh issues a working one', async () => {
    const user = await api.register('expiry');
    expect(user.tokens.expiresIn).toBe(TTL_SECONDS);
    expectStatus(await api.get('/v1/users/me', user.tokens.accessToken), 200, 'fresh token');

    const issuedAtMs = claimsOf(user.tokens.accessToken).iat * 1000;
    await eventually(async () => ((await api.get('/v1/users/me', user.tokens.accessToken)).status === 401 ? true : undefined), {
      timeoutMs: TTL_SECONDS * 1000 + 15_000,
      intervalMs: 1_000,
      description: 'the access token to expire',
    });
    // Refused because its lifetime has passed, not earlier (iat has one-second resolution).
    expect(Date.now() - issuedAtMs).toBeGreaterThanOrEqual((TTL_SECONDS - 1) * 1000);
    expectProblem(await api.get('/v1/users/me', user.tokens.accessToken), 401, 'COMMON.UNAUTHENTICATED');

    const refreshed = await api.post('/v1/auth/refresh', { refreshToken: user.tokens.refreshToken });
    expectStatus(refreshed, 200, 'refresh after expiry');
    expectStatus(await api.get('/v1/users/me', (refreshed.body as TokenPair).accessToken), 200, 'refreshed token');
  }, TTL_SECONDS * 1000 + 30_000);
});
