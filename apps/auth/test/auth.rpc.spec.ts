import {
  AuthEvents,
  AuthRpc,
  ErrorCodes,
  Roles,
  type AccessTokenClaims,
  type AuthenticatedUser,
  type AuthResult,
  type JwksResult,
  type RecentRevocations,
  type RevokeUserSessionsResult,
  type RolesChangedData,
  type SessionRevokedData,
  type TokenPair,
  type UserRegisteredData,
} from '@plinth/contracts';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Credential } from '../src/credentials/credential.entity.js';
import { RefreshToken } from '../src/sessions/refresh-token.entity.js';
import { hashRefreshTokenSecret } from '../src/sessions/refresh-token-secret.js';
import { drainQueue } from './support/event-tap.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, AuthTestSystem, CLIENT, PASSWORD } from './support/auth-test-system.js';

describe('auth over RPC (built app, real Postgres and RabbitMQ)', () => {
  let auth: AuthTestSystem;

  beforeAll(async () => {
    auth = await AuthTestSystem.start();
  }, 120_000);

  afterAll(async () => {
    await auth?.stop();
  });

  const send = <T>(pattern: string, payload: object) => auth.rpc.send<T>(pattern, payload);
  const refresh = (refreshToken: string) => send<TokenPair>(AuthRpc.refresh, { refreshToken, client: CLIENT });
  const verify = async (accessToken: string) => {
    const jwks = await send<JwksResult>(AuthRpc.jwks, {});
    const { payload } = await jwtVerify<AccessTokenClaims>(accessToken, createLocalJWKSet(jwks), { issuer: 'plinth-auth', audience: 'plinth' });
    return payload;
  };
  const loginAsAdmin = () => send<AuthResult>(AuthRpc.login, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, client: CLIENT });
  const actorOf = (result: AuthResult) => ({ userId: result.user.id, roles: result.user.roles });
  const revokedEventsOf = (sessionId: string) =>
    auth.events.waitFor<SessionRevokedData>(AuthEvents.sessionRevoked, (data) => data.sessionId === sessionId);

  describe('register and login', () => {
    it('registers a user with role user, a verifiable access token and an auth.user.registered event', async () => {
      const email = auth.uniqueEmail('ada');
      const result = await send<AuthResult>(AuthRpc.register, { email, password: PASSWORD, displayName: 'Ada Lovelace', client: CLIENT });

      expect(result.user).toEqual({ id: expect.any(String), email, displayName: 'Ada Lovelace', roles: [Roles.USER] });
      expect(result.tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshToken: expect.stringMatching(/^[\w-]{43}$/) });
      const claims = await verify(result.tokens.accessToken);
      expect(claims).toMatchObject({ sub: result.user.id, sid: expect.any(String), roles: [Roles.USER], iss: 'plinth-auth', aud: 'plinth' });
      expect(claims.exp - claims.iat).toBe(900);
      const jwks = await send<JwksResult>(AuthRpc.jwks, {});
      expect(jwks.keys.map((key) => key.kid)).toContain(decodeProtectedHeader(result.tokens.accessToken).kid);
      expect(jwks.keys.every((key) => key.alg === 'ES256' && !('d' in key))).toBe(true);

      const [event] = await auth.events.waitFor<UserRegisteredData>(AuthEvents.userRegistered, (data) => data.userId === result.user.id);
      expect(event).toMatchObject({ version: 1, source: 'auth', data: { userId: result.user.id, email, displayName: 'Ada Lovelace' } });
    });

    it('stores the email lower-cased, the password only as an argon2id hash', async () => {
      const email = auth.uniqueEmail('Grace').toUpperCase();
      const result = await send<AuthResult>(AuthRpc.register, { email, password: PASSWORD, displayName: 'Grace', client: CLIENT });
      const stored = await auth.orm.em.fork().findOneOrFail(Credential, result.user.id);
      expect(stored.email).toBe(email.toLowerCase());
      expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });

    it('refuses a second account for the same email in any letter case with AUTH.EMAIL_TAKEN', async () => {
      const first = await auth.register('twice');
      await expect(send(AuthRpc.register, { email: first.user.email.toUpperCase(), password: PASSWORD, displayName: 'Again', client: CLIENT }))
        .rejects.toMatchObject({ code: ErrorCodes.AUTH_EMAIL_TAKEN });
    });

    it('logs in case-insensitively into a new session', async () => {
      const registered = await auth.register('login');
      const login = await send<AuthResult>(AuthRpc.login, { email: registered.user.email.toUpperCase(), password: PASSWORD, client: CLIENT });
      expect(login.user).toEqual(registered.user);
      expect((await verify(login.tokens.accessToken)).sid).not.toBe((await verify(registered.tokens.accessToken)).sid);
    });

    it('answers a wrong password and an unknown email with the same AUTH.INVALID_CREDENTIALS', async () => {
      const registered = await auth.register('guessed');
      const wrongPassword = await send(AuthRpc.login, { email: registered.user.email, password: 'not the password', client: CLIENT }).catch((e: unknown) => e);
      const unknownEmail = await send(AuthRpc.login, { email: auth.uniqueEmail('ghost'), password: 'not the password', client: CLIENT }).catch((e: unknown) => e);
      expect(wrongPassword).toMatchObject({ code: ErrorCodes.AUTH_INVALID_CREDENTIALS });
      expect(unknownEmail).toMatchObject({ code: ErrorCodes.AUTH_INVALID_CREDENTIALS, message: (wrongPassword as Error).message });
    });

    it('rejects an invalid payload with COMMON.VALIDATION_FAILED naming the field', async () => {
      await expect(send(AuthRpc.register, { email: auth.uniqueEmail('short'), password: 'short', displayName: 'x', client: CLIENT }))
        .rejects.toMatchObject({ code: ErrorCodes.VALIDATION_FAILED, details: { fieldErrors: [expect.objectContaining({ field: 'password' })] } });
    });
  });

  describe('refresh tokens', () => {
    it('rotates on every use: a new refresh token and an access token of the same session', async () => {
      const { tokens } = await auth.register('rotate');
      const next = await refresh(tokens.refreshToken);
      expect(next.refreshToken).not.toBe(tokens.refreshToken);
      expect((await verify(next.accessToken)).sid).toBe((await verify(tokens.accessToken)).sid);
      expect((await refresh(next.refreshToken)).refreshToken).not.toBe(next.refreshToken);
    });

    it('revokes the whole session when a spent token is presented again, and announces it', async () => {
      const { tokens } = await auth.register('reuse');
      const { sid } = await verify(tokens.accessToken);
      const rotated = await refresh(tokens.refreshToken);

      await expect(refresh(tokens.refreshToken)).rejects.toMatchObject({ code: ErrorCodes.AUTH_INVALID_REFRESH_TOKEN });
      await expect(refresh(rotated.refreshToken)).rejects.toMatchObject({ code: ErrorCodes.AUTH_SESSION_REVOKED });
      const [event] = await revokedEventsOf(sid);
      expect(event).toMatchObject({ data: { sessionId: sid, reason: 'refresh-token-reuse' } });
    });

    it('lets exactly one of two concurrent refreshes with the same token win', async () => {
      const { tokens } = await auth.register('race');
      const outcomes = await Promise.allSettled([refresh(tokens.refreshToken), refresh(tokens.refreshToken)]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { code: ErrorCodes.AUTH_INVALID_REFRESH_TOKEN } });
    });

    it('refuses a token nobody issued with AUTH.INVALID_REFRESH_TOKEN', async () => {
      await expect(refresh('A'.repeat(43))).rejects.toMatchObject({ code: ErrorCodes.AUTH_INVALID_REFRESH_TOKEN });
    });

    it('refuses an expired token with AUTH.INVALID_REFRESH_TOKEN', async () => {
      const { tokens } = await auth.register('expired');
      await auth.orm.em.fork().nativeUpdate(RefreshToken, { tokenHash: hashRefreshTokenSecret(tokens.refreshToken) }, { expiresAt: new Date(Date.now() - 1000) });
      await expect(refresh(tokens.refreshToken)).rejects.toMatchObject({ code: ErrorCodes.AUTH_INVALID_REFRESH_TOKEN });
    });
  });

  describe('logout', () => {
    it('ends the session, announces it once and is idempotent', async () => {
      const { tokens } = await auth.register('logout');
      const { sid } = await verify(tokens.accessToken);

      await expect(send(AuthRpc.logout, { refreshToken: tokens.refreshToken, client: CLIENT })).resolves.toEqual({});
      await expect(send(AuthRpc.logout, { refreshToken: tokens.refreshToken, client: CLIENT })).resolves.toEqual({});
      await expect(refresh(tokens.refreshToken)).rejects.toMatchObject({ code: ErrorCodes.AUTH_SESSION_REVOKED });

      const events = await revokedEventsOf(sid);
      expect(events.map((event) => event.data.reason)).toEqual(['logout']);
    });
  });

  describe('administration', () => {
    it('seeds the admin account with roles user and admin', async () => {
      const admin = await loginAsAdmin();
      expect(admin.user.roles).toEqual([Roles.USER, Roles.ADMIN]);
      expect((await verify(admin.tokens.accessToken)).roles).toEqual([Roles.USER, Roles.ADMIN]);
    });

    it('revokes every active session of a user, one event each', async () => {
      const admin = await loginAsAdmin();
      const first = await auth.register('victim');
      const second = await send<AuthResult>(AuthRpc.login, { email: first.user.email, password: PASSWORD, client: CLIENT });
      const sids = [(await verify(first.tokens.accessToken)).sid, (await verify(second.tokens.accessToken)).sid];

      const result = await send<RevokeUserSessionsResult>(AuthRpc.revokeUserSessions, { actor: actorOf(admin), userId: first.user.id, client: CLIENT });

      expect(result).toEqual({ revokedSessions: 2 });
      for (const sid of sids) expect((await revokedEventsOf(sid))[0]).toMatchObject({ data: { userId: first.user.id, reason: 'admin' } });
      await expect(refresh(second.tokens.refreshToken)).rejects.toMatchObject({ code: ErrorCodes.AUTH_SESSION_REVOKED });
    });

    it('refuses session revocation and role changes to a non-admin with COMMON.FORBIDDEN', async () => {
      const user = await auth.register('mallory');
      const target = await auth.register('target');
      await expect(send(AuthRpc.revokeUserSessions, { actor: actorOf(user), userId: target.user.id, client: CLIENT }))
        .rejects.toMatchObject({ code: ErrorCodes.FORBIDDEN });
      await expect(send(AuthRpc.setRoles, { actor: actorOf(user), userId: user.user.id, roles: [Roles.USER, Roles.ADMIN], client: CLIENT }))
        .rejects.toMatchObject({ code: ErrorCodes.FORBIDDEN });
      await expect(refresh(target.tokens.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
    });

    it('refuses an admin changing their own roles with COMMON.FORBIDDEN', async () => {
      const admin = await loginAsAdmin();
      await expect(send(AuthRpc.setRoles, { actor: actorOf(admin), userId: admin.user.id, roles: [Roles.USER], client: CLIENT }))
        .rejects.toMatchObject({ code: ErrorCodes.FORBIDDEN });
    });

    it('rejects an admin request without an actor: COMMON.UNAUTHENTICATED without a token, COMMON.VALIDATION_FAILED with one', async () => {
      const target = await auth.register('no-actor');
      await expect(send(AuthRpc.revokeUserSessions, { userId: target.user.id, client: CLIENT })).rejects.toMatchObject({ code: ErrorCodes.UNAUTHENTICATED });
      const headers = await auth.rpc.headersFor(actorOf(await loginAsAdmin()));
      await expect(auth.rpc.send(AuthRpc.revokeUserSessions, { userId: target.user.id, client: CLIENT }, { headers }))
        .rejects.toMatchObject({ code: ErrorCodes.VALIDATION_FAILED, details: { fieldErrors: [expect.objectContaining({ field: 'actor' })] } });
    });

    it('answers COMMON.NOT_FOUND for a user that does not exist', async () => {
      const admin = await loginAsAdmin();
      const userId = '01935a3e-0000-7000-8000-0000000000ff';
      await expect(send(AuthRpc.setRoles, { actor: actorOf(admin), userId, roles: [Roles.USER], client: CLIENT })).rejects.toMatchObject({ code: ErrorCodes.NOT_FOUND });
      await expect(send(AuthRpc.revokeUserSessions, { actor: actorOf(admin), userId, client: CLIENT })).rejects.toMatchObject({ code: ErrorCodes.NOT_FOUND });
    });

    it('changes roles, announces it, and puts the new roles in the next refreshed access token', async () => {
      const admin = await loginAsAdmin();
      const user = await auth.register('promoted');

      const updated = await send<AuthenticatedUser>(AuthRpc.setRoles, { actor: actorOf(admin), userId: user.user.id, roles: [Roles.USER, Roles.ADMIN], client: CLIENT });

      expect(updated.roles).toEqual([Roles.USER, Roles.ADMIN]);
      await auth.events.waitFor<RolesChangedData>(AuthEvents.rolesChanged, (data) => data.userId === user.user.id && data.roles.includes(Roles.ADMIN));
      expect((await verify((await refresh(user.tokens.refreshToken)).accessToken)).roles).toEqual([Roles.USER, Roles.ADMIN]);
    });
  });

  describe('recent revocations (how replicas catch up)', () => {
    it('lists sessions revoked and roles changed within the window, and not those outside it or still active', async () => {
      const admin = await loginAsAdmin();
      const loggedOut = await auth.register('listed-logout');
      const active = await auth.register('listed-active');
      const promoted = await auth.register('listed-promoted');
      await send(AuthRpc.logout, { refreshToken: loggedOut.tokens.refreshToken, client: CLIENT });
      await send(AuthRpc.setRoles, { actor: actorOf(admin), userId: promoted.user.id, roles: [Roles.USER, Roles.ADMIN], client: CLIENT });
      const [loggedOutSid, activeSid] = [(await verify(loggedOut.tokens.accessToken)).sid, (await verify(active.tokens.accessToken)).sid];

      const recent = await send<RecentRevocations>(AuthRpc.recentRevocations, { withinSeconds: 905 });

      const revoked = recent.revokedSessions.find((entry) => entry.sessionId === loggedOutSid);
      expect(Date.now() - Date.parse(revoked?.revokedAt ?? '')).toBeLessThan(60_000);
      expect(recent.revokedSessions.map((entry) => entry.sessionId)).not.toContain(activeSid);
      const changed = recent.rolesChanged.find((entry) => entry.userId === promoted.user.id);
      expect(Date.now() - Date.parse(changed?.changedAt ?? '')).toBeLessThan(60_000);

      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const narrow = await send<RecentRevocations>(AuthRpc.recentRevocations, { withinSeconds: 1 });
      expect(narrow.revokedSessions.map((entry) => entry.sessionId)).not.toContain(loggedOutSid);
      expect(narrow.rolesChanged.map((entry) => entry.userId)).not.toContain(promoted.user.id);
    });

    it('refuses a window it cannot answer (COMMON.VALIDATION_FAILED)', async () => {
      await expect(send(AuthRpc.recentRevocations, { withinSeconds: 0 })).rejects.toMatchObject({ code: ErrorCodes.VALIDATION_FAILED });
      await expect(send(AuthRpc.recentRevocations, { withinSeconds: 86_401 })).rejects.toMatchObject({ code: ErrorCodes.VALIDATION_FAILED });
    });
  });

  describe('restart', () => {
    it('keeps the signing key and the admin account without emitting auth.user.registered again', async () => {
      const before = await loginAsAdmin();
      const registeredBefore = auth.events.matching<UserRegisteredData>(AuthEvents.userRegistered, (data) => data.email === ADMIN_EMAIL);

      await auth.system.kill('auth');
      await auth.system.start('auth');
      await new Promise((resolve) => setTimeout(resolve, 500)); // give a wrongly re-emitted event time to arrive

      const after = await loginAsAdmin();
      expect(after.user.id).toBe(before.user.id);
      expect(await auth.orm.em.fork().count(Credential, { email: ADMIN_EMAIL })).toBe(1);
      expect(auth.events.matching(AuthEvents.userRegistered, (data: UserRegisteredData) => data.email === ADMIN_EMAIL)).toEqual(registeredBefore);
      // users' durable queue has held every user.registered since the first start: the admin's is there exactly once.
      const queued = await drainQueue(auth.rabbitmqUrl, 'users.events');
      expect(queued.filter((event) => event.type === AuthEvents.userRegistered && (event.data as UserRegisteredData).email === ADMIN_EMAIL)).toHaveLength(1);
      expect(decodeProtectedHeader(after.tokens.accessToken).kid).toBe(decodeProtectedHeader(before.tokens.accessToken).kid);
      await expect(verify(before.tokens.accessToken)).resolves.toMatchObject({ sub: before.user.id });
    }, 90_000); // a restart takes 10 s on a quiet box and more than 30 s under the shared machine's load
  });
});
