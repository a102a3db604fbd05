import { ApiProperty } from '@nestjs/swagger';
import { ALL_ROLES, type Role } from '../common/actor.js';

export class TokenPair {
  @ApiProperty({ description: 'Short-lived JWT (ES256) carrying sub, roles, sid' }) accessToken: string;
  @ApiProperty({ description: 'Opaque, single-use refresh token' }) refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Access token lifetime in seconds', example: 900 }) expiresIn: number;
}

export class AuthenticatedUser {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email', example: 'ada@example.com' }) email: string;
  @ApiProperty({ example: 'Ada Lovelace' }) displayName: string;
  @ApiProperty({ enum: ALL_ROLES, isArray: true, example: ['user'] }) roles: Role[];
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
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Sessions that were still open and are now ended', example: 2 }) revokedSessions: number;
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

/** One of the caller's open sessions (a login on some device); times are ISO 8601. */
export class SessionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', description: 'The last login or refresh in this session' }) lastUsedAt: string;
  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0 (X11; Linux x86_64)' }) userAgent: string | null;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7', description: 'Client address of the last login or refresh' }) address: string | null;
  @ApiProperty({ description: 'True for the session of the access token making this request' }) current: boolean;
}

export class SessionList {
  @ApiProperty({ type: [SessionView] }) items: SessionView[];
}

export const SECURITY_EVENT_TYPES = [
  'login-succeeded', 'login-failed', 'mfa-enabled', 'mfa-disabled', 'password-changed', 'password-reset',
  'session-ended', 'roles-changed', 'account-disabled', 'account-enabled', 'account-deleted',
] as const;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

/** One entry of a user's security trail, as auth recorded it. */
export class SecurityEventView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: SECURITY_EVENT_TYPES }) type: SecurityEventType;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who did it: the user, an administrator, or null when unauthenticated (a failed login)' }) actorId: string | null;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' }) address: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0 (X11; Linux x86_64)' }) userAgent: string | null;
}

/** The start of TOTP enrolment: add the secret to an authenticator app, then confirm with a code. */
export class TotpEnrolment {
  @ApiProperty({ description: 'Base32 secret (RFC 6238, SHA-1, 6 digits, 30 s)', example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }) secret: string;
  @ApiProperty({ example: 'otpauth://totp/Plinth:ada%40example.com?issuer=Plinth&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30' }) otpauthUrl: string;
}

export class RecoveryCodes {
  @ApiProperty({ type: [String], description: 'Shown once; each works once instead of a TOTP code', example: ['abcde-fghij'] }) recoveryCodes: string[];
}
