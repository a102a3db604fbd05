/** What presenting a refresh token means, decided from the stored token and its session. */
export type RefreshTokenVerdict = 'valid' | 'expired' | 'reused' | 'session-revoked';

export interface StoredRefreshToken {
  usedAt: Date | null;
  expiresAt: Date;
}

export interface StoredSession {
  revokedAt: Date | null;
}

/**
 * Order matters: a used token is reuse even when it has expired since or its session is already
 * gone — but only an active session is worth revoking, so a revoked session wins over reuse.
 */
export function checkRefreshToken(token: StoredRefreshToken, session: StoredSession, now: Date): RefreshTokenVerdict {
  if (session.revokedAt) return 'session-revoked';
  if (token.usedAt) return 'reused';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}
