// An auth-like signer for specs: an ES256 key published as a JWKS, and tokens with any claims.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { JwksResult, PublicJwk, Role } from '@plinth/contracts';

export const TEST_ISSUER = 'plinth-auth';
export const TEST_AUDIENCE = 'plinth';

export interface TestSigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: PublicJwk;
}

export const createSigningKey = async (kid: string = randomUUID()): Promise<TestSigningKey> => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } as PublicJwk;
  return { kid, privateKey, jwk };
};

/** One of auth's own keys (its private JWK, e.g. read from auth's database), to sign tokens auth would accept. */
export const signingKeyFromPrivateJwk = async (privateJwk: JWK & { kid: string }): Promise<TestSigningKey> => {
  const { kid, kty, crv, x, y } = privateJwk;
  const privateKey = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
  return { kid, privateKey, jwk: { kid, kty, crv, x, y, alg: 'ES256', use: 'sig' } as PublicJwk };
};

export const jwksOf = (...keys: TestSigningKey[]): JwksResult => ({ keys: keys.map((key) => key.jwk) });

export interface TokenOptions {
  sub?: string;
  sid?: string;
  roles?: Role[];
  issuer?: string;
  audience?: string;
  expiresIn?: string | number;
  issuedAt?: number;
  kid?: string;
  claims?: JWTPayload;
}

/** A genuine access token as auth would issue it, with any part overridable to forge variants. */
export const signAccessToken = (key: TestSigningKey, options: TokenOptions = {}): Promise<string> =>
  new SignJWT({ sid: options.sid ?? randomUUID(), roles: options.roles ?? ['user'], ...options.claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: options.kid ?? key.kid })
    .setSubject(options.sub ?? randomUUID())
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE)
    .setIssuedAt(options.issuedAt)
    .setExpirationTime(options.expiresIn ?? '15m')
    .sign(key.privateKey);
