import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { decodeProtectedHeader } from 'jose';
import type { KeyObject } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ALL_ROLES, ApplicationError, ErrorCodes, type AccessTokenClaims, type Role } from '@plinth/contracts';
import { GatewayConfig } from '../config.js';
import type { AuthenticatedCaller } from './authenticated-caller.js';
import { ACCESS_TOKEN_ALGORITHM, JwksKeyStore } from './jwks-key-store.js';
import { TokenRevocations } from './token-revocations.js';

export const JWT_STRATEGY = 'jwt';

type KeyCallback = (error: unknown, key?: KeyObject) => void;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isRole = (value: unknown): value is Role => (ALL_ROLES as readonly unknown[]).includes(value);

const invalidToken = (message: string): ApplicationError => new ApplicationError(ErrorCodes.UNAUTHENTICATED, message);

/**
 * Verifies access tokens locally: ES256 only, issuer and audience checked, key chosen by `kid`
 * from auth's cached JWKS. Claims that passed the signature check are still shape-checked,
 * because a valid signature says who issued a token, not that its contents are what we expect.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    config: GatewayConfig,
    private readonly keys: JwksKeyStore,
    private readonly revocations: TokenRevocations,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      jsonWebTokenOptions: { clockTolerance: config.JWT_CLOCK_TOLERANCE_SECONDS },
      // jsonwebtoken 9 verifies with a KeyObject directly (no PEM parsing per request); the
      // passport-jwt typings only list string | Buffer.
      secretOrKeyProvider: (_request, rawToken, done) => this.provideKey(rawToken, done as unknown as KeyCallback),
    });
  }

  validate(claims: Partial<AccessTokenClaims>): AuthenticatedCaller {
    const { sub, sid, roles, iat, exp } = claims;
    if (typeof sub !== 'string' || !UUID.test(sub)) throw invalidToken('The access token has no valid subject.');
    if (typeof sid !== 'string' || sid.length === 0) throw invalidToken('The access token has no session.');
    if (!Array.isArray(roles) || !roles.every(isRole)) throw invalidToken('The access token has invalid roles.');
    if (typeof exp !== 'number' || typeof iat !== 'number') throw invalidToken('The access token must carry iat and exp.');
    if (this.revocations.isSessionRevoked(sid)) {
      throw new ApplicationError(ErrorCodes.AUTH_SESSION_REVOKED, 'The session of this access token was revoked.');
    }
    if (this.revocations.hasStaleRoles(sub, iat)) {
      throw invalidToken('The roles of this account changed; refresh the access token.');
    }
    return { userId: sub, roles: [...roles], sessionId: sid };
  }

  private provideKey(rawToken: string, done: KeyCallback): void {
    let kid: unknown;
    try {
      const header = decodeProtectedHeader(rawToken);
      if (header.alg !== ACCESS_TOKEN_ALGORITHM) return done(invalidToken('The access token is not signed with ES256.'));
      kid = header.kid;
    } catch {
      return done(invalidToken('The access token is malformed.'));
    }
    if (typeof kid !== 'string') return done(invalidToken('The access token has no key id.'));
    this.keys.keyFor(kid).then(
      (key) => (key ? done(null, key) : done(invalidToken('The access token is signed with an unknown key.'))),
      (error: unknown) => done(error),
    );
  }
}
