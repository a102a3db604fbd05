// Session lifetimes need auth to run with short ones: a separate, smaller system, so the other specs keep the
// defaults (30 days absolute, 7 days idle).
import type { TokenPair } from '@plinth/contracts';
import type { RunningSystem } from '@plinth/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { expectStatus, PlinthApi } from './support/plinth-api.js';
import { expectProblem } from './support/problem-assertions.js';

const IDLE_SECONDS = 8;
const MAX_LIFETIME_SECONDS = 20;
const SERVICES = ['auth', 'users', 'gateway'] as const;

/** Waits until `atMs` (wall clock): these tests are about time passing, not about a condition to poll. */
const until = async (atMs: number): Promise<void> => {
  const wait = atMs - Date.now();
  if (wait > 0) await sleep(wait);
};

describe('session lifetime (idle timeout and absolute lifetime on refresh)', () => {
  let system: RunningSystem;
  let api: PlinthApi;

  beforeAll(async () => {
    system = await startE2eSystem({
      services: [...SERVICES],
      env: { SESSION_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS), SESSION_MAX_LIFETIME_SECONDS: String(MAX_LIFETIME_SECONDS) },
    });
    api = new PlinthApi(system.gatewayUrl);
  }, SYSTEM_START_TIMEOUT_MS);

  afterAll(() => stopE2eSystem(system, 'session-lifetime', SERVICES), 60_000);

  const refresh = (refreshToken: string) => api.post('/v1/auth/refresh', { refreshToken });

  it('refuses the refresh of a session unused for the idle timeout with 401 AUTH.SESSION_EXPIRED', async () => {
    const user = await api.register('idle');
    const usedAt = Date.now();
    await until(usedAt + (IDLE_SECONDS + 1) * 1000);
    expectProblem(await refresh(user.tokens.refreshToken), 401, 'AUTH.SESSION_EXPIRED');
    // Expired is final: the session does not come back, and it is no longer listed.
    expectProblem(await refresh(user.tokens.refreshToken), 401, 'AUTH.SESSION_EXPIRED');
    const listed = await api.get('/v1/auth/sessions', user.tokens.accessToken);
    expectStatus(listed, 200, 'sessions with a still-valid access token');
    expect(listed.body).toEqual({ items: [] });
  }, 60_000);

  it('keeps a session used within the idle timeout, but ends it at its absolute lifetime however often it is refreshed', async () => {
    const startedBefore = Date.now();
    const user = await api.register('absolute');
    let tokens = user.tokens;
    // Refresh every 3 s (well within the idle timeout) until shortly before the absolute lifetime.
    while (Date.now() < startedBefore + (MAX_LIFETIME_SECONDS - 3) * 1000) {
      const res = await refresh(tokens.refreshToken);
      expectStatus(res, 200, 'refresh within the lifetime');
      tokens = res.body as TokenPair;
      await sleep(3_000);
    }
    await until(Date.now() + 4_000);
    expect(Date.now()).toBeGreaterThan(startedBefore + MAX_LIFETIME_SECONDS * 1000);
    expectProblem(await refresh(tokens.refreshToken), 401, 'AUTH.SESSION_EXPIRED');
  }, 90_000);
});
