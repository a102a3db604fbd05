// Accounts a product can ship (issue 16) through the gateway, on real PostgreSQL, RabbitMQ and an SMTP server run by
// the spec (emails are read from the SMTP conversation, nothing else): one's own sessions, the security-event trail,
// password change and reset, email verification. (Session lifetimes need short timeouts: session-lifetime.spec.ts.)
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Page, RecoveryCodes, SecurityEventView, SessionList, TokenPair, TotpEnrolment, UserProfile } from '@plinth/contracts';
import { SmtpPeer, type ReceivedEmail, type RunningSystem } from '@plinth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startE2eSystem, stopE2eSystem, SYSTEM_START_TIMEOUT_MS } from './support/e2e-system.js';
import { eventually } from './support/eventually.js';
import { claimsOf, expectStatus, PlinthApi, uniqueEmail, type RegisteredUser } from './support/plinth-api.js';
import { expectProblem } from './support/problem-assertions.js';

const SERVICES = ['auth', 'users', 'notifications', 'gateway'] as const;
const NEW_PASSWORD = 'a brand new horse battery';
const SEALING_KEY = randomBytes(32).toString('base64');
/** The code an authenticator app shows `stepsAhead` 30-second steps from now (auth accepts ±1 step of drift). */
const totpCode = (secret: string, stepsAhead = 0): string =>
  TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() + stepsAhead * 30_000 });
const LAPTOP = 'Accounts-Spec/1.0 (laptop)';
const PHONE = 'Accounts-Spec/1.0 (phone)';

describe('accounts: sessions and the security trail', () => {
  let system: RunningSystem;
  let api: PlinthApi;
  let adminToken: string;
  let smtp: SmtpPeer;

  beforeAll(async () => {
    smtp = await SmtpPeer.start();
    system = await startE2eSystem({ services: [...SERVICES], env: { SMTP_URL: smtp.url, ACCOUNT_EMAIL_SEALING_KEY: SEALING_KEY } });
    api = new PlinthApi(system.gatewayUrl);
    adminToken = (await api.login(ADMIN.email, ADMIN.password)).accessToken;
  }, SYSTEM_START_TIMEOUT_MS);

  afterAll(async () => {
    await stopE2eSystem(system, 'accounts', SERVICES);
    await smtp?.stop();
  }, 60_000);

  /** The emails with this subject to `address`, once `count` of them arrived. */
  const emailsTo = async (address: string, subject: RegExp, count = 1): Promise<ReceivedEmail[]> =>
    eventually(async () => {
      const matching = smtp.to(address).filter((email) => subject.test(email.subject));
      return matching.length >= count ? matching : undefined;
    }, { timeoutMs: 20_000, description: `${count} email(s) "${subject.source}" to ${address}` });
  const tokenIn = (email: ReceivedEmail | undefined): string => {
    const token = email && /Token: ([A-Za-z0-9_-]{43})/.exec(email.text)?.[1];
    if (!token) throw new Error(`no token in the email "${email?.subject}"`);
    return token;
  };
  const profileOf = async (token: string): Promise<UserProfile> => {
    const res = await api.get('/v1/users/me', token);
    expectStatus(res, 200, 'profile');
    return res.body as UserProfile;
  };
  const requestReset = async (email: string): Promise<string> => {
    const before = smtp.to(email).filter((mail) => /^Reset/.test(mail.subject)).length;
    expectStatus(await api.post('/v1/auth/password/forgot', { email }), 202, 'forgot');
    const resets = await emailsTo(email, /^Reset your Plinth password$/, before + 1);
    return tokenIn(resets.at(-1));
  };

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

  it('verifies the email address with the token from the email, once; a newer email voids the older token', async () => {
    const user = await api.register('verify');
    expect((await profileOf(user.tokens.accessToken)).emailVerified).toBe(false);
    expectStatus(await api.post('/v1/auth/email/verification', {}, user.tokens.accessToken), 202, 'send verification');
    const [first] = await emailsTo(user.email, /^Confirm your email address$/);
    expectStatus(await api.post('/v1/auth/email/verification', {}, user.tokens.accessToken), 202, 'send it again');
    const [, second] = await emailsTo(user.email, /^Confirm your email address$/, 2);

    expectProblem(await api.post('/v1/auth/email/verify', { token: tokenIn(first) }), 400, 'AUTH.INVALID_TOKEN');
    expectStatus(await api.post('/v1/auth/email/verify', { token: tokenIn(second) }), 204, 'verify');
    await eventually(async () => ((await profileOf(user.tokens.accessToken)).emailVerified ? true : undefined), {
      timeoutMs: 10_000,
      description: 'emailVerified in the profile',
    });
    expectProblem(await api.post('/v1/auth/email/verify', { token: tokenIn(second) }), 400, 'AUTH.INVALID_TOKEN');
    // Verified: no further email, and exactly one per request before.
    expectStatus(await api.post('/v1/auth/email/verification', {}, user.tokens.accessToken), 202, 'after verification');
    expectProblem(await api.post('/v1/auth/email/verify', { token: 'x'.repeat(43) }), 400, 'AUTH.INVALID_TOKEN');
    expect(smtp.to(user.email).filter((email) => /Confirm/.test(email.subject))).toHaveLength(2);
    expectProblem(await api.post('/v1/auth/email/verification', {}), 401, 'COMMON.UNAUTHENTICATED');
  });

  it('answers forgot-password the same for an unknown address, and emails only the real account', async () => {
    const user = await api.register('forgot');
    const ghost = uniqueEmail('ghost');
    const timings: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    const bodies = new Set<string>();
    for (let round = 0; round < 6; round += 1) {
      for (const [kind, email] of [['known', user.email], ['unknown', ghost]] as const) {
        const started = performance.now();
        const res = await api.post('/v1/auth/password/forgot', { email });
        timings[kind].push(performance.now() - started);
        expect(res.status).toBe(202);
        bodies.add(JSON.stringify(res.body ?? null));
      }
    }
    expect(bodies.size).toBe(1);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    // Auth answers before looking the address up, so the only difference left is noise.
    expect(Math.abs(median(timings.known) - median(timings.unknown))).toBeLessThan(50);
    await emailsTo(user.email, /^Reset your Plinth password$/, 6);
    expect(smtp.to(ghost)).toHaveLength(0);
  });

  it('resets the password with the emailed token: once, every session ends, the old password stops, a confirmation is emailed', async () => {
    const user = await api.register('reset');
    const other = await loginFrom(user, PHONE);
    const token = await requestReset(user.email);

    expectProblem(await api.post('/v1/auth/password/reset', { token, newPassword: 'password1234' }), 400, 'COMMON.VALIDATION_FAILED');
    expectProblem(await api.post('/v1/auth/password/reset', { token, newPassword: user.password }), 400, 'COMMON.VALIDATION_FAILED');
    expectStatus(await api.post('/v1/auth/password/reset', { token, newPassword: NEW_PASSWORD }), 204, 'reset');
    expectProblem(await api.post('/v1/auth/password/reset', { token, newPassword: `${NEW_PASSWORD} again` }), 400, 'AUTH.INVALID_TOKEN');

    for (const tokens of [user.tokens, other]) {
      await eventually(async () => ((await api.get('/v1/users/me', tokens.accessToken)).status === 401 ? true : undefined), {
        timeoutMs: 5_000,
        description: 'every session to end',
      });
      expectProblem(await api.post('/v1/auth/refresh', { refreshToken: tokens.refreshToken }), 401, 'AUTH.SESSION_REVOKED');
    }
    expectProblem(await api.post('/v1/auth/login', { email: user.email, password: user.password }), 401, 'AUTH.INVALID_CREDENTIALS');
    await api.login(user.email, NEW_PASSWORD);
    await emailsTo(user.email, /^Your Plinth password was changed$/);
    const trail = await trailOf(user.id);
    expect(trail.items.map((event) => event.type)).toContain('password-reset');
  });

  it('a newer reset email and a password change each void the outstanding reset token', async () => {
    const user = await api.register('reset-void');
    const older = await requestReset(user.email);
    const newer = await requestReset(user.email);
    expect(newer).not.toBe(older);
    expectProblem(await api.post('/v1/auth/password/reset', { token: older, newPassword: NEW_PASSWORD }), 400, 'AUTH.INVALID_TOKEN');
    const change = await api.post('/v1/auth/password/change', { currentPassword: user.password, newPassword: NEW_PASSWORD }, user.tokens.accessToken);
    expectStatus(change, 204, 'change');
    expectProblem(await api.post('/v1/auth/password/reset', { token: newer, newPassword: `${NEW_PASSWORD} 2` }), 400, 'AUTH.INVALID_TOKEN');
  });

  it('changes the password: the current one is required, reuse and weak ones are refused, the other sessions end and this one stays', async () => {
    const user = await api.register('change');
    const phone = await loginFrom(user, PHONE);
    const change = (body: object) => api.post('/v1/auth/password/change', body, user.tokens.accessToken);

    expectProblem(await change({ currentPassword: 'not my password at all', newPassword: NEW_PASSWORD }), 401, 'AUTH.INVALID_CREDENTIALS');
    const reuse = expectProblem(await change({ currentPassword: user.password, newPassword: user.password }), 400, 'COMMON.VALIDATION_FAILED');
    expect(reuse.errors?.map((error) => error.field)).toEqual(['newPassword']);
    expectProblem(await change({ currentPassword: user.password, newPassword: 'password1234' }), 400, 'COMMON.VALIDATION_FAILED');
    expectProblem(await change({ currentPassword: user.password, newPassword: 'short' }), 400, 'COMMON.VALIDATION_FAILED');
    expectStatus(await change({ currentPassword: user.password, newPassword: NEW_PASSWORD }), 204, 'change');

    await eventually(async () => ((await api.get('/v1/users/me', phone.accessToken)).status === 401 ? true : undefined), {
      timeoutMs: 5_000,
      description: 'the other session to end',
    });
    expectProblem(await api.post('/v1/auth/refresh', { refreshToken: phone.refreshToken }), 401, 'AUTH.SESSION_REVOKED');
    expectStatus(await api.get('/v1/users/me', user.tokens.accessToken), 200, 'this session stays');
    expectStatus(await api.post('/v1/auth/refresh', { refreshToken: user.tokens.refreshToken }), 200, 'and refreshes');
    await api.login(user.email, NEW_PASSWORD);
    const [confirmation] = await emailsTo(user.email, /^Your Plinth password was changed$/);
    expect(confirmation?.text).not.toMatch(/Token:/);
    expect((await trailOf(user.id)).items.map((event) => event.type)).toContain('password-changed');
  });

  it('never shows an emailed token in a response or in any service\'s log', async () => {
    const user = await api.register('token-leak');
    const token = await requestReset(user.email);
    expectStatus(await api.post('/v1/auth/email/verification', {}, user.tokens.accessToken), 202, 'verification');
    const verification = tokenIn((await emailsTo(user.email, /^Confirm/))[0]);
    expectStatus(await api.post('/v1/auth/password/reset', { token, newPassword: NEW_PASSWORD }), 204, 'reset');
    for (const service of SERVICES) {
      const logs = system.logs(service);
      expect(logs, service).not.toContain(token);
      expect(logs, service).not.toContain(verification);
    }
  });

  it('a disabled account cannot log in or refresh and its sessions end at once; enabling lets it log in again', async () => {
    const user = await api.register('disabled');
    const other = await loginFrom(user, PHONE);
    expectProblem(await api.post(`/v1/users/${user.id}/disable`, {}, user.tokens.accessToken), 403, 'COMMON.FORBIDDEN');
    expectStatus(await api.post(`/v1/users/${user.id}/disable`, {}, adminToken), 204, 'disable');
    expectStatus(await api.post(`/v1/users/${user.id}/disable`, {}, adminToken), 204, 'disable again (idempotent)');

    for (const tokens of [user.tokens, other]) {
      await eventually(async () => ((await api.get('/v1/users/me', tokens.accessToken)).status === 401 ? true : undefined), {
        timeoutMs: 5_000,
        description: 'every session of the disabled account to end',
      });
      expectProblem(await api.post('/v1/auth/refresh', { refreshToken: tokens.refreshToken }), 401, 'AUTH.SESSION_REVOKED');
    }
    expectProblem(await api.post('/v1/auth/login', { email: user.email, password: user.password }), 403, 'AUTH.ACCOUNT_DISABLED');
    // A wrong password says nothing about the account being disabled.
    expectProblem(await api.post('/v1/auth/login', { email: user.email, password: 'not the password at all' }), 401, 'AUTH.INVALID_CREDENTIALS');

    expectStatus(await api.post(`/v1/users/${user.id}/enable`, {}, adminToken), 204, 'enable');
    await api.login(user.email, user.password);
    const types = (await trailOf(user.id)).items.map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['login-succeeded', 'account-enabled', 'login-failed']);
    expect(types.filter((type) => type === 'account-disabled')).toHaveLength(1);
    expectProblem(await api.post(`/v1/users/${claimsOf(adminToken).sub}/disable`, {}, adminToken), 403, 'COMMON.FORBIDDEN');
    expectProblem(await api.post('/v1/users/0195f3a0-0000-7000-8000-000000000001/disable', {}, adminToken), 404, 'COMMON.NOT_FOUND');
  });

  const enrolTotp = async (user: RegisteredUser): Promise<{ secret: string; recoveryCodes: string[] }> => {
    const started = await api.post('/v1/auth/mfa/totp', {}, user.tokens.accessToken);
    expectStatus(started, 200, 'start TOTP');
    const { secret, otpauthUrl } = started.body as TotpEnrolment;
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Plinth:.*secret=/);
    const confirmed = await api.post('/v1/auth/mfa/totp/confirm', { code: totpCode(secret) }, user.tokens.accessToken);
    expectStatus(confirmed, 200, 'confirm TOTP');
    return { secret, recoveryCodes: (confirmed.body as RecoveryCodes).recoveryCodes };
  };
  const mfaTokenOf = async (user: RegisteredUser): Promise<string> => {
    const problem = expectProblem(await api.post('/v1/auth/login', { email: user.email, password: user.password }), 401, 'AUTH.MFA_REQUIRED');
    const { mfaToken } = problem as unknown as { mfaToken?: string };
    expect(mfaToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return mfaToken ?? '';
  };

  it('TOTP: enrolment needs a right first code; then login asks for a code, each code and recovery code works once', async () => {
    const user = await api.register('totp');
    const started = await api.post('/v1/auth/mfa/totp', {}, user.tokens.accessToken);
    expectStatus(started, 200, 'start');
    expectProblem(await api.post('/v1/auth/mfa/totp/confirm', { code: '000000' }, user.tokens.accessToken), 401, 'AUTH.INVALID_MFA_CODE');
    // Not on until confirmed: the password alone still logs in.
    await api.login(user.email, user.password);
    const { secret, recoveryCodes } = await enrolTotp(user);
    expect(recoveryCodes).toHaveLength(10);
    expectProblem(await api.post('/v1/auth/mfa/totp', {}, user.tokens.accessToken), 409, 'COMMON.CONFLICT');

    const mfaToken = await mfaTokenOf(user);
    expectProblem(await api.post('/v1/auth/login/mfa', { mfaToken, code: '000000' }), 401, 'AUTH.INVALID_MFA_CODE');
    // The confirmation used this step's code; the next step's is accepted (drift window), once.
    const next = totpCode(secret, 1);
    expectStatus(await api.post('/v1/auth/login/mfa', { mfaToken, code: next }), 200, 'login with the code');
    expectProblem(await api.post('/v1/auth/login/mfa', { mfaToken, code: next }), 400, 'AUTH.INVALID_TOKEN');
    const again = await mfaTokenOf(user);
    expectProblem(await api.post('/v1/auth/login/mfa', { mfaToken: again, code: next }), 401, 'AUTH.INVALID_MFA_CODE');
    expectProblem(await api.post('/v1/auth/login/mfa', { mfaToken: again, code: totpCode(secret) }), 401, 'AUTH.INVALID_MFA_CODE');

    const [recovery] = recoveryCodes;
    expectStatus(await api.post('/v1/auth/login/mfa', { mfaToken: again, code: recovery }), 200, 'login with a recovery code');
    expectProblem(await api.post('/v1/auth/login/mfa', { mfaToken: await mfaTokenOf(user), code: recovery }), 401, 'AUTH.INVALID_MFA_CODE');

    expectProblem(await api.call('DELETE', '/v1/auth/mfa/totp', { code: '000000' }, user.tokens.accessToken), 401, 'AUTH.INVALID_MFA_CODE');
    expectStatus(await api.call('DELETE', '/v1/auth/mfa/totp', { code: recoveryCodes[1] }, user.tokens.accessToken), 204, 'turn TOTP off');
    await api.login(user.email, user.password);
    const types = (await trailOf(user.id)).items.map((event) => event.type);
    expect(types.filter((type) => type === 'mfa-enabled' || type === 'mfa-disabled')).toEqual(['mfa-disabled', 'mfa-enabled']);
  }, 60_000);

  it('TOTP: five wrong codes lock the account\'s second step, whatever the mfaToken, even for the right code', async () => {
    const user = await api.register('totp-lock');
    const { secret } = await enrolTotp(user);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expectProblem(await api.post('/v1/auth/login/mfa', { mfaToken: await mfaTokenOf(user), code: '000000' }), 401, 'AUTH.INVALID_MFA_CODE');
    }
    const locked = await api.post('/v1/auth/login/mfa', { mfaToken: await mfaTokenOf(user), code: totpCode(secret, 1) });
    expectProblem(locked, 429, 'COMMON.RATE_LIMITED');
    // The lock lasts 15 minutes from the fifth failure, and says so.
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
  }, 60_000);
});
