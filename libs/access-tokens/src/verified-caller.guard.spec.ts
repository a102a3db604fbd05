import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { EventPattern, MessagePattern, RmqContext, RpcException } from '@nestjs/microservices';
import { ACCESS_TOKEN_HEADER, ErrorCodes, type Actor } from '@plinth/contracts';
import { createSigningKey, jwksOf, signAccessToken, TEST_AUDIENCE, TEST_ISSUER, type TestSigningKey } from '@plinth/testing';
import type { ConsumeMessage } from 'amqplib';
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { JwksKeyStore } from './jwks-key-store.js';
import { TokenRevocations } from './token-revocations.js';
import { VerifiedCallerGuard } from './verified-caller.guard.js';
import { WithoutAccessToken } from './without-access-token.decorator.js';

// Handlers as a service declares them; only their metadata matters here.
class Handlers {
  @MessagePattern('orders.cancel') cancel(): string { return 'cancelled'; }
  @MessagePattern('auth.login') @WithoutAccessToken() login(): string { return 'logged in'; }
  @EventPattern('orders.order.created') onCreated(_event: unknown): string { return 'handled'; }
}

let key: TestSigningKey;
let guard: VerifiedCallerGuard;
let revocations: TokenRevocations;
const alice: Actor = { userId: randomUUID(), roles: ['user'] };

beforeAll(async () => {
  key = await createSigningKey();
  const keys = new JwksKeyStore(async () => jwksOf(key), { cacheSeconds: 300, refetchMinIntervalSeconds: 10 });
  const verifier = new AccessTokenVerifier(keys, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, clockToleranceSeconds: 5, maxCachedTokens: 100, cacheSeconds: 300 });
  revocations = new TokenRevocations(905);
  guard = new VerifiedCallerGuard(new Reflector(), verifier, revocations);
});

const rpcCall = (handler: keyof Handlers, payload: unknown, token?: string): ExecutionContextHost => {
  const message = { content: Buffer.from(''), fields: {}, properties: { headers: token === undefined ? {} : { [ACCESS_TOKEN_HEADER]: token } } } as unknown as ConsumeMessage;
  const context = new ExecutionContextHost([payload, new RmqContext([message, {}, handler])], Handlers, Handlers.prototype[handler]);
  context.setType('rpc');
  return context;
};

/** The body the guard refuses with, as the RPC exception filter would send it. */
const refusal = async (context: ExecutionContextHost): Promise<unknown> =>
  guard.canActivate(context).then(
    () => 'allowed',
    (error: unknown) => (error instanceof RpcException ? error.getError() : error),
  );

describe('VerifiedCallerGuard', () => {
  it('serves a request whose token belongs to its actor', async () => {
    const token = await signAccessToken(key, { sub: alice.userId, roles: ['user'] });
    expect(await guard.canActivate(rpcCall('cancel', { actor: alice, orderId: randomUUID() }, token))).toBe(true);
  });

  it('refuses a request without a token (UNAUTHENTICATED)', async () => {
    expect(await refusal(rpcCall('cancel', { actor: alice }))).toMatchObject({ code: ErrorCodes.UNAUTHENTICATED });
    expect(await refusal(rpcCall('cancel', { actor: alice }, ''))).toMatchObject({ code: ErrorCodes.UNAUTHENTICATED });
  });

  it('refuses a request with a forged, foreign or expired token (UNAUTHENTICATED)', async () => {
    const genuine = await signAccessToken(key, { sub: alice.userId });
    const [header, payload] = genuine.split('.');
    const foreign = await signAccessToken(await createSigningKey(key.kid), { sub: alice.userId });
    const expired = await signAccessToken(key, { sub: alice.userId, issuedAt: Math.floor(Date.now() / 1000) - 3600, expiresIn: Math.floor(Date.now() / 1000) - 60 });
    for (const token of [`${header}.${payload}.`, foreign, expired, 'garbage']) {
      expect(await refusal(rpcCall('cancel', { actor: alice }, token))).toMatchObject({ code: ErrorCodes.UNAUTHENTICATED });
    }
  });

  it('refuses a genuine token of another user, or of the same user with other roles (FORBIDDEN)', async () => {
    const bobsToken = await signAccessToken(key, { sub: randomUUID(), roles: ['user'] });
    expect(await refusal(rpcCall('cancel', { actor: alice }, bobsToken))).toMatchObject({ code: ErrorCodes.FORBIDDEN });
    const alicesToken = await signAccessToken(key, { sub: alice.userId, roles: ['user'] });
    expect(await refusal(rpcCall('cancel', { actor: { ...alice, roles: ['user', 'admin'] } }, alicesToken))).toMatchObject({ code: ErrorCodes.FORBIDDEN });
    expect(await refusal(rpcCall('cancel', { actor: 'alice' }, alicesToken))).toMatchObject({ code: ErrorCodes.FORBIDDEN });
  });

  it('refuses a genuine token whose session was revoked (AUTH.SESSION_REVOKED), even one it verified before', async () => {
    const sid = randomUUID();
    const token = await signAccessToken(key, { sub: alice.userId, sid });
    expect(await guard.canActivate(rpcCall('cancel', { actor: alice }, token))).toBe(true);
    revocations.revokeSession(sid);
    expect(await refusal(rpcCall('cancel', { actor: alice }, token))).toMatchObject({ code: ErrorCodes.AUTH_SESSION_REVOKED });
  });

  it('refuses a genuine token issued before its user\'s roles changed (UNAUTHENTICATED), and serves a newer one', async () => {
    const bob: Actor = { userId: randomUUID(), roles: ['user'] };
    const now = Math.floor(Date.now() / 1000);
    const stale = await signAccessToken(key, { sub: bob.userId, issuedAt: now - 10 });
    revocations.changeRoles(bob.userId, new Date((now - 5) * 1000));
    expect(await refusal(rpcCall('cancel', { actor: bob }, stale))).toMatchObject({ code: ErrorCodes.UNAUTHENTICATED });
    const fresh = await signAccessToken(key, { sub: bob.userId, issuedAt: now });
    expect(await guard.canActivate(rpcCall('cancel', { actor: bob }, fresh))).toBe(true);
  });

  it('leaves a request without an actor to validation once its token is genuine', async () => {
    const token = await signAccessToken(key, { sub: alice.userId });
    expect(await guard.canActivate(rpcCall('cancel', { orderId: randomUUID() }, token))).toBe(true);
  });

  it('lets @WithoutAccessToken() handlers, events and HTTP requests through without a token', async () => {
    expect(await guard.canActivate(rpcCall('login', { email: 'a@example.com', password: 'x' }))).toBe(true);
    expect(await guard.canActivate(rpcCall('onCreated', { id: randomUUID(), type: 'orders.order.created' }))).toBe(true);
    const http = new ExecutionContextHost([{}, {}], Handlers, Handlers.prototype.cancel);
    expect(await guard.canActivate(http)).toBe(true);
  });

  it('answers an outage of the key source as that outage, not as a refusal of the caller', async () => {
    const down = new VerifiedCallerGuard(new Reflector(), new AccessTokenVerifier(
      new JwksKeyStore(() => Promise.reject(new Error('socket closed')), { cacheSeconds: 300, refetchMinIntervalSeconds: 10 }),
      { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, clockToleranceSeconds: 5, maxCachedTokens: 0, cacheSeconds: 300 },
    ), new TokenRevocations(905));
    const token = await signAccessToken(key, { sub: alice.userId });
    const error = await down.canActivate(rpcCall('cancel', { actor: alice }, token)).catch((e: unknown) => e);
    expect((error as RpcException).getError()).toMatchObject({ code: ErrorCodes.UNAVAILABLE });
  });
});
