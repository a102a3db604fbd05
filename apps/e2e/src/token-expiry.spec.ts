// Access-token expiry needs a system whose auth issues short-lived tokens: a separate, smaller system
// (no orders/notifications) so the other specs keep realistic lifetimes.
import type { TokenPair } from '@plinth/contracts';
import type { RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eSystem, stopE2eSystem } from './support/e2e-system.js';
import { eventually } from './support/eventually.js';
import { expectStatus, PlinthApi } from './support/plinth-api.js';
import { expectProblem } from './support/problem-assertions.js';

const TTL_SECONDS = 2;
const SERVICES = ['auth', 'users', 'gateway'] as const;

describe('access token expiry', () => {
  let system: RunningSystem;
  let api: PlinthApi;

  beforeAll(async () => {
    system = await startE2eSystem({ services: [...SERVICES], env: { ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS) } });
    api = new PlinthApi(system.gatewayUrl);
  }, 180_000);

  afterAll(() => stopE2eSystem(system, 'token-expiry', SERVICES), 60_000);

  it('refuses an expired access token with 401, and a refresh issues a working one', async () => {
    const user = await api.register('expiry');
    expect(user.tokens.expiresIn).toBe(TTL_SECONDS);
    expectStatus(await api.get('/v1/users/me', user.tokens.accessToken), 200, 'fresh token');

    const issuedAt = Date.now();
    await eventually(async () => ((await api.get('/v1/users/me', user.tokens.accessToken)).status === 401 ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 250,
      description: 'the access token to expire',
    });
    // Refused only once the lifetime has passed (allowing the gateway a small clock tolerance).
    expect(Date.now() - issuedAt).toBeGreaterThanOrEqual(TTL_SECONDS * 1000 - 1000);
    expectProblem(await api.get('/v1/users/me', user.tokens.accessToken), 401, 'COMMON.UNAUTHENTICATED');

    const refreshed = await api.post('/v1/auth/refresh', { refreshToken: user.tokens.refreshToken });
    expectStatus(refreshed, 200, 'refresh after expiry');
    expectStatus(await api.get('/v1/users/me', (refreshed.body as TokenPair).accessToken), 200, 'refreshed token');
  });
});
