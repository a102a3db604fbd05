import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ApplicationError, AuthRpc, ErrorCodes, UsersRpc, type AuthResult, type TokenPair } from '@plinth/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';

let t: GatewayTestApp;
const tokens: TokenPair = { accessToken: 'a.b.c', refreshToken: 'opaque-refresh', tokenType: 'Bearer', expiresIn: 900 };
const registration = { email: 'ada@example.com', password: 'correct horse battery staple', displayName: 'Ada' };
const authResult = (): AuthResult => ({
  user: { id: randomUUID(), email: 'ada@example.com', displayName: 'Ada', roles: ['user'] },
  tokens,
});
const http = () => request(t.app.getHttpServer());

beforeAll(async () => {
  t = await createGatewayTestApp();
});
afterAll(() => t.close());
beforeEach(() => t.rpc.clearCalls());

describe('POST /v1/auth/register', () => {
  it('registers, then ensures the profile, then answers 201 with exactly the token pair', async () => {
    const result = authResult();
    t.rpc.reply(AuthRpc.register, result).reply(UsersRpc.ensureProfile, {});
    const res = await http().post('/v1/auth/register').set('user-agent', 'spec-agent/1.0').send(registration);
    expect(res.status).toBe(201);
    expect(res.body).toEqual(tokens);
    expect(t.rpc.calls.map((call) => call.pattern)).toEqual([AuthRpc.register, UsersRpc.ensureProfile]);
    expect(t.rpc.payloadsOf(AuthRpc.register)).toEqual([{ ...registration, client: { address: expect.stringContaining('127.0.0.1'), userAgent: 'spec-agent/1.0' } }]);
    expect(t.rpc.payloadsOf(UsersRpc.ensureProfile)).toEqual([{ userId: result.user.id, email: 'ada@example.com', displayName: 'Ada' }]);
  });

  it('still answers 201 when the profile cannot be ensured (the registration event creates it later)', async () => {
    t.rpc.reply(AuthRpc.register, authResult()).reply(UsersRpc.ensureProfile, () => {
      throw new ApplicationError(ErrorCodes.TIMEOUT, 'no reply');
    });
    const res = await http().post('/v1/auth/register').send(registration);
    expect(res.status).toBe(201);
    expect(res.body).toEqual(tokens);
  });

  it('answers a taken email with 409 AUTH.EMAIL_TAKEN and does not touch users', async () => {
    t.rpc.reply(AuthRpc.register, () => {
      throw new ApplicationError(ErrorCodes.AUTH_EMAIL_TAKEN, 'This email is already registered.');
    });
    const res = await http().post('/v1/auth/register').send(registration);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: ErrorCodes.AUTH_EMAIL_TAKEN });
    expect(t.rpc.payloadsOf(UsersRpc.ensureProfile)).toEqual([]);
  });

  it.each([
    ['a short password', { password: 'short' }, 'password'],
    ['a bad email', { email: 'nope' }, 'email'],
    ['an unknown field', { roles: ['admin'] }, 'roles'],
  ])('refuses %s with 400 naming %s, without any RPC', async (_case, override, field) => {
    const res = await http().post('/v1/auth/register').send({ ...registration, ...override });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(t.rpc.calls.filter((call) => call.pattern !== AuthRpc.jwks)).toEqual([]);
  });
});

describe('POST /v1/auth/login: progressive delay per account (LOGIN_FREE_FAILURES=3, base 1 s)', () => {
  const wrongPassword = () =>
    t.rpc.reply(AuthRpc.login, () => {
      throw new ApplicationError(ErrorCodes.AUTH_INVALID_CREDENTIALS, 'Email or password is incorrect');
    });
  const login = (email: string) => http().post('/v1/auth/login').send({ email, password: 'a guessed password' });
  const loginCalls = () => t.rpc.payloadsOf(AuthRpc.login).length;

  it('answers 3 free failures and the 4th with 401, then 429 + Retry-After without asking auth; the wait doubles', async () => {
    wrongPassword();
    const email = `${randomUUID()}@example.com`;
    for (let attempt = 0; attempt < 4; attempt++) expect((await login(email)).status).toBe(401);
    const delayed = await login(email);
    expect(delayed.status).toBe(429);
    expect(delayed.headers['retry-after']).toBe('1');
    expect(delayed.body).toMatchObject({ code: ErrorCodes.RATE_LIMITED, status: 429 });
    expect(loginCalls()).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await login(email)).status).toBe(401);
    expect((await login(email)).headers['retry-after']).toBe('2');
    expect(loginCalls()).toBe(5);
  });

  it('paces each account on its own and matches emails case-insensitively', async () => {
    wrongPassword();
    const email = `${randomUUID()}@example.com`;
    for (let attempt = 0; attempt < 4; attempt++) await login(email);
    expect((await login(email.toUpperCase())).status).toBe(429);
    expect((await login(`${randomUUID()}@example.com`)).status).toBe(401);
  });

  it('forgets the failures after a successful login', async () => {
    const email = `${randomUUID()}@example.com`;
    wrongPassword();
    for (let attempt = 0; attempt < 3; attempt++) expect((await login(email)).status).toBe(401);
    t.rpc.reply(AuthRpc.login, authResult());
    expect((await login(email)).status).toBe(200);
    wrongPassword();
    for (let attempt = 0; attempt < 4; attempt++) expect((await login(email)).status).toBe(401);
    expect((await login(email)).status).toBe(429);
  });
});

describe('POST /v1/auth/login, refresh, logout', () => {
  it('logs in with 200 and the token pair only', async () => {
    t.rpc.reply(AuthRpc.login, authResult());
    const res = await http().post('/v1/auth/login').send({ email: registration.email, password: registration.password });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(tokens);
  });

  it('answers bad credentials with 401 AUTH.INVALID_CREDENTIALS', async () => {
    t.rpc.reply(AuthRpc.login, () => {
      throw new ApplicationError(ErrorCodes.AUTH_INVALID_CREDENTIALS, 'Invalid email or password.');
    });
    const res = await http().post('/v1/auth/login').send({ email: registration.email, password: 'wrong password' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: ErrorCodes.AUTH_INVALID_CREDENTIALS, detail: 'Invalid email or password.' });
  });

  it('refreshes with 200 and the new pair', async () => {
    t.rpc.reply(AuthRpc.refresh, tokens);
    const res = await http().post('/v1/auth/refresh').set('user-agent', 'spec-agent/1.0').send({ refreshToken: 'opaque-refresh' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(tokens);
    expect(t.rpc.payloadsOf(AuthRpc.refresh)).toEqual([{ refreshToken: 'opaque-refresh', client: { address: expect.stringContaining('127.0.0.1'), userAgent: 'spec-agent/1.0' } }]);
  });

  it('sends at most 512 characters of the User-Agent, and none when the header is missing', async () => {
    t.rpc.reply(AuthRpc.refresh, tokens);
    await http().post('/v1/auth/refresh').set('user-agent', 'x'.repeat(600)).send({ refreshToken: 'opaque-refresh' });
    await http().post('/v1/auth/refresh').unset('user-agent').send({ refreshToken: 'opaque-refresh' });
    const [long, missing] = t.rpc.payloadsOf(AuthRpc.refresh) as { client: { userAgent?: string } }[];
    expect(long?.client.userAgent).toBe('x'.repeat(512));
    expect(missing?.client.userAgent).toBeUndefined();
  });

  it('answers an unknown refresh token with 401 AUTH.INVALID_REFRESH_TOKEN', async () => {
    t.rpc.reply(AuthRpc.refresh, () => {
      throw new ApplicationError(ErrorCodes.AUTH_INVALID_REFRESH_TOKEN, 'Invalid refresh token.');
    });
    const res = await http().post('/v1/auth/refresh').send({ refreshToken: 'unknown' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(ErrorCodes.AUTH_INVALID_REFRESH_TOKEN);
  });

  it('logs out with 204 and an empty body', async () => {
    t.rpc.reply(AuthRpc.logout, {});
    const res = await http().post('/v1/auth/logout').send({ refreshToken: 'opaque-refresh' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(t.rpc.payloadsOf(AuthRpc.logout)).toEqual([{ refreshToken: 'opaque-refresh', client: expect.objectContaining({ address: expect.stringContaining('127.0.0.1') }) }]);
  });

  it('refuses a logout without refreshToken with 400', async () => {
    const res = await http().post('/v1/auth/logout').send({});
    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { field: string }) => error.field)).toContain('refreshToken');
  });
});

describe('clientContextOf', () => {
  it('drops control characters and lone surrogates, keeps the rest', async () => {
    const { clientContextOf } = await import('../http/client-context.decorator.js');
    const request = { ip: '203.0.113.7', header: () => 'Agent\u0001/1.0 \ud800ok \ud83d\ude00' } as never;
    expect(clientContextOf(request)).toEqual({ address: '203.0.113.7', userAgent: 'Agent/1.0 ok \ud83d\ude00' });
  });
});
