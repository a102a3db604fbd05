import { ApiProperty } from '@nestjs/swagger';
import type { Role } from '../common/actor.js';

export class TokenPair {
  @ApiProperty({ description: 'Short-lived JWT (ES256) carrying sub, roles, sid' }) accessToken: string;
  @ApiProperty({ description: 'Opaque, single-use refresh token' }) refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 }) expiresIn: number;
}

export class AuthenticatedUser {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
}

/** Reply to register and login: the gateway returns `tokens` to the client. */
export class AuthResult {
  user: AuthenticatedUser;
  tokens: TokenPair;
}

/** A public JSON Web Key; only the fields a verifier needs. */
export interface PublicJwk {
  kid: string;
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  alg: string;
  use: 'sig';
}

export class JwksResult {
  keys: PublicJwk[];
}

export class RevokeUserSessionsResult {
  revokedSessions: number;
}

/** Claims of the access token, as issued by auth and verified at the gateway. */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  roles: Role[];
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

/** Revocations that may still match an unexpired access token; times are ISO 8601. */
export class RecentRevocations {
  revokedSessions: { sessionId: string; revokedAt: string }[];
  rolesChanged: { userId: string; changedAt: string }[];
}
