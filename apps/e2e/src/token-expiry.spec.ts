// Access-token expiry needs auth to issue short-lived tokens: a separate, smaller system (no orders
// or notifications), so the other specs keep realistic lifetimes. (Rate limits and lockouts: security.spec.ts.)
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
const SERVICES = ['auth', 'users', 'gateway'] as const;

describe('access token expiry', () => {
  let system: RunningSystem;
  let api: PlinthApi;

  beforeAll(async () => {
    system = await startE2eSystem({
      services: [...SERVICES],
      env: { ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS), JWT_CLOCK_TOLERANCE_SECONDS: '0' },
    });
    api = new PlinthApi(system.gatewayUrl);
  }, SYSTEM_START_TIMEOUT_MS);

  afterAll(() => stopE2eSystem(system, 'token-expiry', SERVICES), 60_000);

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
