/** What presenting a refresh token means, decided from the stored token and its session. */
export type RefreshTokenVerdict = 'valid' | 'expired' | 'reused' | 'session-revoked' | 'session-expired';

export interface StoredRefreshToken {
  usedAt: Date | null;
  expiresAt: Date;
}

export interface StoredSession {
  revokedAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date;
}

/** How long a session may live at all, and unused: both end it for refresh (`session-expired`). */
export interface SessionLifetime {
  maxLifetimeSeconds: number;
  idleTimeoutSeconds: number;
}

const isPast = (start: Date, seconds: number, now: Date): boolean => start.getTime() + seconds * 1000 <= now.getTime();

export const hasSessionExpired = (session: Pick<StoredSession, 'createdAt' | 'lastUsedAt'>, lifetime: SessionLifetime, now: Date): boolean =>
  isPast(session.createdAt, lifetime.maxLifetimeSeconds, now) || isPast(session.lastUsedAt, lifetime.idleTimeoutSeconds, now);

/**
 * Order matters: a used token is reuse even when it has expired since or its session is already
 * gone — but only an active session is worth revoking, so a revoked session wins over reuse. A session past
 * its absolute lifetime or idle timeout is expired whatever its token's own expiry says.
 */
export function checkRefreshToken(token: StoredRefreshToken, session: StoredSession, lifetime: SessionLifetime, now: Date): RefreshTokenVerdict {
  if (session.revokedAt) return 'session-revoked';
  if (token.usedAt) return 'reused';
  if (hasSessionExpired(session, lifetime, now)) return 'session-expired';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}
