import { createPublicKey, randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { ErrorCodes } from '@plinth/contracts';
import { createSigningKey, jwksOf, signAccessToken, TEST_AUDIENCE, TEST_ISSUER, type TestSigningKey } from '@plinth/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { JwksKeyStore } from './jwks-key-store.js';

let key: TestSigningKey;
let verifier: AccessTokenVerifier;
const nowSeconds = () => Math.floor(Date.now() / 1000);

const verifierFor = (signingKey: TestSigningKey, maxCachedTokens = 100) =>
  new AccessTokenVerifier(new JwksKeyStore(async () => jwksOf(signingKey), { cacheSeconds: 300, refetchMinIntervalSeconds: 10 }), {
    issuer: TEST_ISSUER, audience: TEST_AUDIENCE, clockToleranceSeconds: 5, maxCachedTokens, cacheSeconds: 300,
  });

beforeEach(async () => {
  key = await createSigningKey();
  verifier = verifierFor(key);
});
afterEach(() => vi.useRealTimers());

const expectRefused = async (token: string, message = /./) => {
  await expect(verifier.verify(token)).rejects.toMatchObject({ code: ErrorCodes.UNAUTHENTICATED, message: expect.stringMatching(message) });
};

describe('AccessTokenVerifier', () => {
  it('returns the subject, roles, session and times of a genuine token', async () => {
    const sub = randomUUID();
    const sid = randomUUID();
    const verified = await verifier.verify(await signAccessToken(key, { sub, sid, roles: ['user', 'admin'] }));
    expect(verified).toMatchObject({ userId: sub, sessionId: sid, roles: ['user', 'admin'] });
    expect(verified.expiresAt - verified.issuedAt).toBe(15 * 60);
  });

  it('refuses garbage, alg none and HS256 keyed with the public key', async () => {
    await expectRefused('not.a.jwt', /malformed/);
    const claims = { sid: randomUUID(), roles: ['admin'] };
    await expectRefused(new UnsecuredJWT(claims).setSubject(randomUUID()).setIssuer(TEST_ISSUER).setAudience(TEST_AUDIENCE).setIssuedAt().setExpirationTime('5m').encode(), /ES256/);
    const publicPem = createPublicKey({ key: { ...key.jwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const confused = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.kid }).setSubject(randomUUID())
      .setIssuer(TEST_ISSUER).setAudience(TEST_AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(String(publicPem)));
    await expectRefused(confused, /ES256/);
  });

  it('refuses an unknown kid and a foreign signature under a published kid', async () => {
    await expectRefused(await signAccessToken(await createSigningKey('not-published')), /unknown key/);
    await expectRefused(await signAccessToken(await createSigningKey(key.kid)), /invalid/);
  });

  it('refuses a tampered payload', async () => {
    const [header, payload, signature] = (await signAccessToken(key, { roles: ['user'] })).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as object;
    await expectRefused(`${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${signature}`, /invalid/);
  });

  it('refuses wrong issuer and audience without naming the expected ones', async () => {
    for (const token of [await signAccessToken(key, { issuer: 'someone-else' }), await signAccessToken(key, { audience: 'another-api' })]) {
      const refusal = await verifier.verify(token).catch((error: unknown) => error as Error);
      expect(refusal).toMatchObject({ code: ErrorCodes.UNAUTHENTICATED, message: 'The access token is invalid.' });
    }
  });

  it('refuses an expired token (beyond the clock tolerance) and says so; accepts one within it', async () => {
    await expectRefused(await signAccessToken(key, { issuedAt: nowSeconds() - 3600, expiresIn: nowSeconds() - 6 }), /expired/);
    await expect(verifier.verify(await signAccessToken(key, { issuedAt: nowSeconds() - 3600, expiresIn: nowSeconds() - 3 }))).resolves.toBeDefined();
  });

  it('refuses a token without exp and claims of the wrong shape', async () => {
    const withoutExp = await new SignJWT({ sid: randomUUID(), roles: ['user'] }).setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setSubject(randomUUID()).setIssuer(TEST_ISSUER).setAudience(TEST_AUDIENCE).setIssuedAt().sign(key.privateKey);
    await expectRefused(withoutExp);
    await expectRefused(await signAccessToken(key, { sub: 'not-a-uuid' }), /subject/);
    await expectRefused(await signAccessToken(key, { roles: ['root' as never] }), /roles/);
    await expectRefused(await signAccessToken(key, { claims: { sid: '' } }), /session/);
  });

  it('remembers a verified token until it expires, then refuses it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const token = await signAccessToken(key, { expiresIn: '1m' });
    const first = await verifier.verify(token);
    first.roles.push('admin');
    expect((await verifier.verify(token)).roles).toEqual(['user']);
    vi.advanceTimersByTime(66_000);
    await expectRefused(token, /expired/);
  });

  it('keeps at most maxCachedTokens verified tokens', async () => {
    const small = verifierFor(key, 2);
    const tokens = await Promise.all([1, 2, 3].map(() => signAccessToken(key)));
    for (const token of tokens) await small.verify(token);
    const cache = (small as unknown as { verified: Map<string, unknown> }).verified;
    expect([...cache.keys()]).toEqual(tokens.slice(1));
  });
});
