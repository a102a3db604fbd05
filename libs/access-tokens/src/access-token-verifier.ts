import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { ALL_ROLES, ApplicationError, ErrorCodes, type Actor, type Role } from '@plinth/contracts';
import { ACCESS_TOKEN_ALGORITHM, type JwksKeyStore } from './jwks-key-store.js';

export interface AccessTokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Tolerated clock difference with auth when checking `exp`/`nbf`. */
  clockToleranceSeconds: number;
  /** Verified tokens remembered (by their exact text) so a client's next request skips the signature check. */
  maxCachedTokens: number;
  /** Longest a verified token is remembered: a key auth stops publishing stops working after this at the latest. */
  cacheSeconds: number;
}

/** What a genuine access token says about its bearer. */
export interface VerifiedAccessToken extends Actor {
  sessionId: string;
  /** `iat`, seconds since the epoch. */
  issuedAt: number;
  /** `exp`, seconds since the epoch. */
  expiresAt: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isRole = (value: unknown): value is Role => (ALL_ROLES as readonly unknown[]).includes(value);

const invalidToken = (message: string): ApplicationError => new ApplicationError(ErrorCodes.UNAUTHENTICATED, message);

/**
 * Verifies auth's access tokens locally: ES256 only, key chosen by `kid` from the cached JWKS,
 * issuer, audience and expiry checked, then the claims' shape, because a valid signature says who
 * issued a token, not that its contents are what we expect. Refusals are UNAUTHENTICATED
 * ApplicationErrors; an outage of the key source propagates as it is (503/504, not 401).
 * Used by the gateway for every HTTP request and by every service for every RPC made for a user.
 */
export class AccessTokenVerifier {
  // Insertion order is verification order: eviction drops the oldest first.
  private readonly verified = new Map<string, { token: VerifiedAccessToken; until: number }>();

  constructor(
    private readonly keys: JwksKeyStore,
    private readonly options: AccessTokenVerifierOptions,
  ) {}

  async verify(token: string): Promise<VerifiedAccessToken> {
    const cached = this.verified.get(token);
    if (cached && cached.until > Date.now()) return copyOf(cached.token);
    if (cached) this.verified.delete(token);
    const verified = await this.verifyUncached(token);
    this.remember(token, verified);
    return copyOf(verified);
  }

  private async verifyUncached(token: string): Promise<VerifiedAccessToken> {
    let alg: unknown;
    let kid: unknown;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
    } catch {
      throw invalidToken('The access token is malformed.');
    }
    if (alg !== ACCESS_TOKEN_ALGORITHM) throw invalidToken('The access token is not signed with ES256.');
    if (typeof kid !== 'string') throw invalidToken('The access token has no key id.');
    const key = await this.keys.keyFor(kid);
    if (!key) throw invalidToken('The access token is signed with an unknown key.');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw invalidToken('The access token has expired.');
      // jose's messages name the expected issuer and audience; callers get this instead.
      throw invalidToken('The access token is invalid.');
    }
    return verifiedClaims(claims);
  }

  private remember(token: string, verified: VerifiedAccessToken): void {
    if (this.options.maxCachedTokens === 0) return;
    if (this.verified.size >= this.options.maxCachedTokens) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    const expiresAtMs = (verified.expiresAt + this.options.clockToleranceSeconds) * 1000;
    this.verified.set(token, { token: verified, until: Math.min(expiresAtMs, Date.now() + this.options.cacheSeconds * 1000) });
  }
}

// Callers may adjust what they get; the cached original stays as verified.
const copyOf = (token: VerifiedAccessToken): VerifiedAccessToken => ({ ...token, roles: [...token.roles] });

function verifiedClaims({ sub, sid, roles, iat, exp }: JWTPayload): VerifiedAccessToken {
  if (typeof sub !== 'string' || !UUID.test(sub)) throw invalidToken('The access token has no valid subject.');
  if (typeof sid !== 'string' || sid.length === 0) throw invalidToken('The access token has no session.');
  if (!Array.isArray(roles) || !roles.every(isRole)) throw invalidToken('The access token has invalid roles.');
  if (typeof exp !== 'number' || typeof iat !== 'number') throw invalidToken('The access token must carry iat and exp.');
  return { userId: sub, roles: [...roles], sessionId: sid, issuedAt: iat, expiresAt: exp };
}
