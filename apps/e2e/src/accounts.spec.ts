// Accounts a product can ship (issue 16) through the gateway, on real PostgreSQL and RabbitMQ: one's own sessions,
// the security-event trail. (Session lifetimes need short timeouts: session-lifetime.spec.ts.)
import type { Page, SecurityEventView, SessionList, TokenPair } from '@plinth/contracts';
import type { RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { eventually } from './support/eventually.js';
import { claimsOf, expectStatus, PlinthApi, type RegisteredUser } from './support/plinth-api.js';
import { expectProblem } from './support/problem-assertions.js';

const SERVICES = ['auth', 'users', 'gateway'] as const;
const LAPTOP = 'Accounts-Spec/1.0 (laptop)';
const PHONE = 'Accounts-Spec/1.0 (phone)';

describe('accounts: sessions and the security trail', () => {
  let system: RunningSystem;
  let api: PlinthApi;
  let adminToken: string;

  beforeAll(async () => {
    system = await startE2eSystem({ services: [...SERVICES] });
    api = new PlinthApi(system.gatewayUrl);
    adminToken = (await api.login(ADMIN.email, ADMIN.password)).accessToken;
  }, SYSTEM_START_TIMEOUT_MS);

  afterAll(() => stopE2eSystem(system, 'accounts', SERVICES), 60_000);

  const loginFrom = async (user: RegisteredUser, userAgent: string): Promise<TokenPair> => {
    const res = await api.post('/v1/auth/login', { email: user.email, password: user.password }).set('user-agent', userAgent);
    expectStatus(res, 200, `login from ${userAgent}`);
    return res.body as TokenPair;
  };
  const sessionsOf = async (token: string): Promise<SessionList> => {
    const res = await api.get('/v1/auth/sessions', token);
    expectStatus(res, 200, 'list sessions');
    return res.body as SessionList;
  };
  const trailOf = async (userId: string, query = ''): Promise<Page<SecurityEventView>> => {
    const res = await api.get(`/v1/users/${userId}/security-events${query}`, adminToken);
    expectStatus(res, 200, `security events ${query}`);
    return res.body as Page<SecurityEventView>;
  };

  it('lists the caller\'s open sessions with when, from where and which one is current', async () => {
    const user = await api.register('sessions');
    const laptop = await loginFrom(user, LAPTOP);
    const phone = await loginFrom(user, PHONE);

    const { items } = await sessionsOf(laptop.accessToken);
    expect(items.map((session) => session.id).sort()).toEqual(
      [user.tokens, laptop, phone].map((tokens) => claimsOf(tokens.accessToken).sid).sort(),
    );
    const current = items.filter((session) => session.current);
    expect(current.map((session) => session.id)).toEqual([claimsOf(laptop.accessToken).sid]);
    const phoneSession = items.find((session) => session.id === claimsOf(phone.accessToken).sid);
    expect(phoneSession).toMatchObject({ userAgent: PHONE, address: expect.stringContaining('127.0.0.1') });
    expect(Date.parse(phoneSession?.lastUsedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(phoneSession?.createdAt ?? ''));
    // Most recently used first.
    expect(items[0]?.id).toBe(claimsOf(phone.accessToken).sid);
  });

  it('a refresh moves the session\'s last use and records the new user agent', async () => {
    const user = await api.register('sessions-refresh');
    const before = (await sessionsOf(user.tokens.accessToken)).items[0];
    const refreshed = await api.post('/v1/auth/refresh', { refreshToken: user.tokens.refreshToken }).set('user-agent', PHONE);
    expectStatus(refreshed, 200, 'refresh');
    const after = (await sessionsOf((refreshed.body as TokenPair).accessToken)).items[0];
    expect(after?.id).toBe(before?.id);
    expect(after?.userAgent).toBe(PHONE);
    expect(Date.parse(after?.lastUsedAt ?? '')).toBeGreaterThan(Date.parse(before?.lastUsedAt ?? ''));
  });

  it('ends one of one\'s own sessions: its access token and refresh token stop at once, the others keep working', async () => {
    const user = await api.register('sessions-end');
    const phone = await loginFrom(user, PHONE);
    const phoneSid = claimsOf(phone.accessToken).sid;

    expectStatus(await api.call('DELETE', `/v1/auth/sessions/${phoneSid}`, undefined, user.tokens.accessToken), 204, 'end the phone session');
    await eventually(async () => ((await api.get('/v1/users/me', phone.accessToken)).status === 401 ? true : undefined), {
      timeoutMs: 5_000,
      description: 'the ended session\'s access token to be refused',
    });
    expectProblem(await api.get('/v1/users/me', phone.accessToken), 401, 'AUTH.SESSION_REVOKED');
    expectProblem(await api.post('/v1/auth/refresh', { refreshToken: phone.refreshToken }), 401, 'AUTH.SESSION_REVOKED');
    expectStatus(await api.get('/v1/users/me', user.tokens.accessToken), 200, 'the other session');
    expect((await sessionsOf(user.tokens.accessToken)).items.map((session) => session.id)).toEqual([claimsOf(user.tokens.accessToken).sid]);
    // Already ended: there is no such open session any more.
    expectProblem(await api.call('DELETE', `/v1/auth/sessions/${phoneSid}`, undefined, user.tokens.accessToken), 404, 'COMMON.NOT_FOUND');
  });

  it('answers another user\'s session id with 404 and leaves that session alone', async () => {
    const alice = await api.register('sessions-alice');
    const bob = await api.register('sessions-bob');
    const bobsSid = claimsOf(bob.tokens.accessToken).sid;
    expectProblem(await api.call('DELETE', `/v1/auth/sessions/${bobsSid}`, undefined, alice.tokens.accessToken), 404, 'COMMON.NOT_FOUND');
    expectStatus(await api.get('/v1/users/me', bob.tokens.accessToken), 200, 'bob still signed in');
    expect((await sessionsOf(bob.tokens.accessToken)).items.map((session) => session.id)).toEqual([bobsSid]);
    expectProblem(await api.call('DELETE', '/v1/auth/sessions/not-a-uuid', undefined, alice.tokens.accessToken), 400, 'COMMON.VALIDATION_FAILED');
    expectProblem(await api.get('/v1/auth/sessions'), 401, 'COMMON.UNAUTHENTICATED');
  });

  it('records logins (ok and failed), ended sessions and role changes with actor, address and user agent; admins page through it', async () => {
    const user = await api.register('trail');
    const failed = await api.post('/v1/auth/login', { email: user.email, password: 'not the password at all' }).set('user-agent', PHONE);
    expectProblem(failed, 401, 'AUTH.INVALID_CREDENTIALS');
    const laptop = await loginFrom(user, LAPTOP);
    expectStatus(await api.post('/v1/auth/logout', { refreshToken: laptop.refreshToken }).set('user-agent', LAPTOP), 204, 'logout');
    expectStatus(await api.put(`/v1/users/${user.id}/roles`, { roles: ['user', 'admin'] }, adminToken), 200, 'promote');
    const adminId = claimsOf(adminToken).sub;

    const { items, nextCursor } = await trailOf(user.id);
    expect(nextCursor).toBeNull();
    expect(items.map((event) => event.type)).toEqual(['roles-changed', 'session-ended', 'login-succeeded', 'login-failed']);
    expect(items[0]).toMatchObject({ actorId: adminId });
    expect(items[1]).toMatchObject({ actorId: user.id, userAgent: LAPTOP, address: expect.stringContaining('127.0.0.1') });
    expect(items[2]).toMatchObject({ actorId: user.id, userAgent: LAPTOP });
    expect(items[3]).toMatchObject({ actorId: null, userAgent: PHONE });

    // Keyset pages of one: the same four, in the same order, then the end.
    const paged: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: Page<SecurityEventView> = await trailOf(user.id, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.items.map((event) => event.id));
      cursor = page.nextCursor;
    }
    expect(paged).toEqual(items.map((event) => event.id));
  });

  it('shows the trail to administrators only, and refuses a crafted cursor', async () => {
    const user = await api.register('trail-private');
    expectProblem(await api.get(`/v1/users/${user.id}/security-events`, user.tokens.accessToken), 403, 'COMMON.FORBIDDEN');
    expectProblem(await api.get(`/v1/users/${user.id}/security-events?cursor=bm90LWEtY3Vyc29y`, adminToken), 400, 'COMMON.INVALID_CURSOR');
  });
});
