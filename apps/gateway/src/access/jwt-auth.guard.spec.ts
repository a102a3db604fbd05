// Local verification of access tokens, exercised through a real route (GET /v1/users/me) so that
// strategy, guards and the problem+json filter are tested together, as a client meets them.
import { createPublicKey, randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import { ApplicationError, AuthEvents, AuthRpc, ErrorCodes, UsersRpc, type SessionRevokedEvent, type RolesChangedEvent } from '@plinth/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayTestApp, type GatewayTestApp } from '../../test/support/gateway-test-app.js';
import { createSigningKey, signAccessToken, TEST_AUDIENCE, TEST_ISSUER } from '@plinth/testing';
import { TokenRevocationHandlers } from '@plinth/access-tokens';

let t: GatewayTestApp;
const profile = { id: 'x', email: 'ada@example.com', displayName: 'Ada', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };

beforeEach(async () => {
  t = await createGatewayTestApp();
  t.rpc.reply(UsersRpc.getProfile, profile);
});
afterEach(() => t.close());

const getMe = (token?: string) => {
  const req = request(t.app.getHttpServer()).get('/v1/users/me');
  return token === undefined ? req : req.set('authorization', `Bearer ${token}`);
};

const expectUnauthenticated = async (token: string | undefined, code: string = ErrorCodes.UNAUTHENTICATED) => {
  const res = await getMe(token);
  expect(res.status, JSON.stringify(res.body)).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  expect(res.body).toMatchObject({ status: 401, code });
  expect(t.rpc.payloadsOf(UsersRpc.getProfile)).toEqual([]);
  return res;
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('JwtAuthGuard: accepted tokens', () => {
  it('accepts a genuine token and sends exactly { userId: sub, roles } as the actor', async () => {
    const sub = randomUUID();
    const res = await getMe(await t.token({ sub, roles: ['user', 'admin'] }));
    expect(res.status).toBe(200);
    expect(t.rpc.payloadsOf(UsersRpc.getProfile)).toEqual([{ actor: { userId: sub, roles: ['user', 'admin'] }, userId: sub }]);
  });

  it('verifies locally: many requests cost one JWKS fetch and no other RPC', async () => {
    const token = await t.token();
    for (let i = 0; i < 5; i++) expect((await getMe(token)).status).toBe(200);
    expect(t.rpc.payloadsOf(AuthRpc.jwks)).toHaveLength(1);
    expect(t.rpc.calls.map((call) => call.pattern).filter((p) => p !== UsersRpc.getProfile)).toEqual([AuthRpc.jwks]);
  });
});

describe('JwtAuthGuard: refused tokens (401 problem+json, no RPC to the resource)', () => {
  it('refuses a request without a token', async () => {
    const res = await expectUnauthenticated(undefined);
    expect(res.body.detail).toMatch(/access token is required/);
  });

  it('refuses garbage', () => expectUnauthenticated('not.a.jwt'));

  it('refuses alg none', async () => {
    const unsigned = new UnsecuredJWT({ sid: randomUUID(), roles: ['admin'] })
      .setSubject(randomUUID()).setIssuer(TEST_ISSUER).setAudience(TEST_AUDIENCE).setIssuedAt().setExpirationTime('5m').encode();
    await expectUnauthenticated(unsigned);
  });

  it('refuses alg none carrying a genuine kid', async () => {
    const [, payload] = (await t.token()).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: t.key.kid })).toString('base64url');
    await expectUnauthenticated(`${header}.${payload}.`);
  });

  it('refuses HS256 keyed with the public key (algorithm confusion)', async () => {
    const publicPem = createPublicKey({ key: { ...t.key.jwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const forged = await new SignJWT({ sid: randomUUID(), roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: t.key.kid })
      .setSubject(randomUUID()).setIssuer(TEST_ISSUER).setAudience(TEST_AUDIENCE).setIssuedAt().setExpirationTime('5m')
      .sign(new TextEncoder().encode(String(publicPem)));
    await expectUnauthenticated(forged);
  });

  it('refuses a kid auth does not publish', async () => {
    const stranger = await createSigningKey('not-published');
    await expectUnauthenticated(await signAccessToken(stranger));
  });

  it('refuses a token signed by another key under a published kid', async () => {
    const stranger = await createSigningKey(t.key.kid);
    await expectUnauthenticated(await signAccessToken(stranger));
  });

  it('refuses a wrong issuer', async () => expectUnauthenticated(await t.token({ issuer: 'someone-else' })));

  it('refuses a wrong audience', async () => expectUnauthenticated(await t.token({ audience: 'another-api' })));

  it('refuses an expired token and says so', async () => {
    const res = await expectUnauthenticated(await t.token({ issuedAt: nowSeconds() - 3600, expiresIn: nowSeconds() - 60 }));
    expect(res.body.detail).toMatch(/expired/);
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({ sid: randomUUID(), roles: ['user'] })
      .setProtectedHeader({ alg: 'ES256', kid: t.key.kid })
      .setSubject(randomUUID()).setIssuer(TEST_ISSUER).setAudience(TEST_AUDIENCE).setIssuedAt()
      .sign(t.key.privateKey);
    await expectUnauthenticated(token);
  });

  it('refuses a token whose payload was tampered with (roles escalated)', async () => {
    const [header, payload, signature] = (await t.token({ roles: ['user'] })).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const escalated = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
    await expectUnauthenticated(`${header}.${escalated}.${signature}`);
  });

  it('refuses claims of the wrong shape even when genuinely signed', async () => {
    await expectUnauthenticated(await t.token({ sub: 'not-a-uuid' }));
    await expectUnauthenticated(await t.token({ roles: ['root' as never] }));
  });
});

describe('JwtAuthGuard: revocations from auth events', () => {
  const sessionRevoked = (sessionId: string): SessionRevokedEvent => ({
    id: randomUUID(), type: AuthEvents.sessionRevoked, version: 1, occurredAt: new Date().toISOString(),
    source: 'auth', correlationId: randomUUID(), data: { sessionId, userId: randomUUID(), reason: 'logout' },
  });

  it('refuses a token of a revoked session with 401 AUTH.SESSION_REVOKED from then on', async () => {
    const sid = randomUUID();
    const token = await t.token({ sid });
    expect((await getMe(token)).status).toBe(200);
    t.rpc.calls.length = 0;

    t.app.get(TokenRevocationHandlers).onSessionRevoked(sessionRevoked(sid));

    await expectUnauthenticated(token, ErrorCodes.AUTH_SESSION_REVOKED);
    await expectUnauthenticated(token, ErrorCodes.AUTH_SESSION_REVOKED);
  });

  it('keeps accepting tokens of other sessions', async () => {
    t.app.get(TokenRevocationHandlers).onSessionRevoked(sessionRevoked(randomUUID()));
    expect((await getMe(await t.token())).status).toBe(200);
  });

  it('refuses tokens issued before the user\'s roles changed, and accepts newer ones', async () => {
    const sub = randomUUID();
    const before = await t.token({ sub, issuedAt: nowSeconds() - 10 });
    const event: RolesChangedEvent = {
      id: randomUUID(), type: AuthEvents.rolesChanged, version: 1, occurredAt: new Date((nowSeconds() - 5) * 1000).toISOString(),
      source: 'auth', correlationId: randomUUID(), data: { userId: sub, roles: ['user'] },
    };
    t.app.get(TokenRevocationHandlers).onRolesChanged(event);
    await expectUnauthenticated(before);
    expect((await getMe(await t.token({ sub }))).status).toBe(200);
  });
});

describe('JwtAuthGuard: key outage', () => {
  it('answers 503 with Retry-After (not 401) when no signing keys can be fetched', async () => {
    t.rpc.reply(AuthRpc.jwks, () => {
      throw new ApplicationError(ErrorCodes.UNAVAILABLE, 'Message broker unavailable: not connected');
    });
    const res = await getMe(await t.token());
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(t.config.RETRY_AFTER_SECONDS));
    expect(res.body).toMatchObject({ code: ErrorCodes.UNAVAILABLE });
  });
});

describe('RolesGuard', () => {
  it('answers 403 FORBIDDEN to a caller without the admin role on an admin route', async () => {
    const res = await request(t.app.getHttpServer()).get('/v1/users').set('authorization', `Bearer ${await t.token({ roles: ['user'] })}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: ErrorCodes.FORBIDDEN, status: 403 });
    expect(t.rpc.payloadsOf(UsersRpc.list)).toEqual([]);
  });

  it('lets an admin through', async () => {
    t.rpc.reply(UsersRpc.list, { items: [], nextCursor: null });
    const res = await request(t.app.getHttpServer()).get('/v1/users').set('authorization', `Bearer ${await t.token({ roles: ['user', 'admin'] })}`);
    expect(res.status).toBe(200);
  });
});
