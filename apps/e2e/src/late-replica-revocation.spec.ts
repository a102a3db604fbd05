// A gateway replica that was not there when a session was revoked (stopped, or cut off from the broker) must still
// refuse that session's tokens once it is ready again, and so must the services behind the gateway: the live
// revocation events reach only the replicas connected at that moment, the rest catch up from auth.
import { UsersRpc } from '@plinth/contracts';
import { cutOffBrokerClient, forgedRpc, freePort, ServiceProcess, type RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { expectStatus, PlinthApi } from './support/plinth-api.js';
import { expectProblem } from './support/problem-assertions.js';

// Generous: a restart on the shared 2-core machine under heavy load takes minutes; the 1 s bound starts at ready.
vi.setConfig({ testTimeout: 240_000 });

let system: RunningSystem;
let replicaB: ServiceProcess;
let api: PlinthApi;
let apiB: PlinthApi;

beforeAll(async () => {
  system = await startE2eSystem();
  api = new PlinthApi(system.gatewayUrl);
  const port = await freePort();
  replicaB = new ServiceProcess('gateway', port, { ...system.env, PORT: String(port) });
  replicaB.start();
  await replicaB.waitUntilReady(150_000);
  apiB = new PlinthApi(replicaB.url);
}, SYSTEM_START_TIMEOUT_MS);

afterAll(async () => {
  await replicaB?.stop();
  await stopE2eSystem(system, 'late-replica');
}, 60_000);

const logout = async (refreshToken: string) => expectStatus(await api.post('/v1/auth/logout', { refreshToken }), 204, 'logout');

/** Polls /readyz every 20 ms; resolves at the first 200. */
async function readyAgain(replica: ServiceProcess, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${replica.url}/readyz`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${replica.url} not ready within ${timeoutMs} ms:\n${replica.logTail()}`);
}

/** Milliseconds from now until `token` is refused (401) by the replica; fails past `boundMs`. */
async function refusedWithin(target: PlinthApi, token: string, boundMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { status } = await target.get('/v1/users/me', token);
    if (status === 401) return Date.now() - started;
    if (Date.now() - started > boundMs) throw new Error(`still answered ${status} after ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a replica that was stopped during the revocation', () => {
  it('refuses the revoked token within 1 s of being ready again, and so does the service behind it', async () => {
    const user = await api.register('late-replica');
    expectStatus(await apiB.get('/v1/users/me', user.tokens.accessToken), 200, 'replica B accepts the fresh token');

    await replicaB.stop();
    await logout(user.tokens.refreshToken);
    await refusedWithin(api, user.tokens.accessToken, 10_000); // replica A hears the live event (outbox → broadcast)

    replicaB.start();
    await readyAgain(replicaB);
    expect(await refusedWithin(apiB, user.tokens.accessToken, 1_000)).toBeLessThan(1_000);
    expectProblem(await apiB.get('/v1/users/me', user.tokens.accessToken), 401, 'AUTH.SESSION_REVOKED');
  });

  it('the service behind the gateway refuses the revoked token itself, even sent straight to its queue', async () => {
    const user = await api.register('revoked-inside');
    await logout(user.tokens.refreshToken);
    const reply = await forgedRpc(system.env.RABBITMQ_URL ?? '', UsersRpc.getProfile, { actor: { userId: user.id, roles: ['user'] }, userId: user.id }, { 'x-access-token': user.tokens.accessToken });
    expect(reply).toMatchObject({ ok: false, error: { code: 'AUTH.SESSION_REVOKED' } });
  });
});

describe('a replica cut off from the broker during the revocation', () => {
  it('is not ready while disconnected, and refuses the revoked token within 1 s of being ready again', async () => {
    const user = await api.register('reconnecting-replica');
    expectStatus(await apiB.get('/v1/users/me', user.tokens.accessToken), 200, 'replica B accepts the fresh token');
    // Replica B loses its connection and cannot reconnect while the session is revoked.
    const reconnect = await cutOffBrokerClient(system.vhost, `gateway@${replicaB.pid}`);
    try {
      await expect.poll(async () => (await fetch(`${replicaB.url}/readyz`)).status, { timeout: 10_000, interval: 50 }).toBe(503);
      await logout(user.tokens.refreshToken);
      await refusedWithin(api, user.tokens.accessToken, 10_000); // replica A hears the live event (outbox → broadcast)
    } finally {
      await reconnect();
    }

    await readyAgain(replicaB);
    expect(await refusedWithin(apiB, user.tokens.accessToken, 1_000)).toBeLessThan(1_000);
  });
});
