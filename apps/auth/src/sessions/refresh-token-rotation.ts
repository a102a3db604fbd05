import { RefreshToken } from './refresh-token.entity.js';
import { generateRefreshTokenSecret, hashRefreshTokenSecret } from './refresh-token-secret.js';

export interface IssuedRefreshToken {
  /** The row to persist: it holds only the hash. */
  token: RefreshToken;
  /** The secret for the client; never stored. */
  secret: string;
}

export function issueRefreshToken(sessionId: string, now: Date, ttlSeconds: number): IssuedRefreshToken {
  const secret = generateRefreshTokenSecret();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  return { token: new RefreshToken(sessionId, hashRefreshTokenSecret(secret), now, expiresAt), secret };
}

/**
 * Spends `presented` and issues its successor in the same session. The spent row is kept and
 * linked forward, so presenting it again is detected as reuse.
 */
export function rotateRefreshToken(presented: RefreshToken, now: Date, ttlSeconds: number): IssuedRefreshToken {
  const successor = issueRefreshToken(presented.sessionId, now, ttlSeconds);
  presented.usedAt = now;
  presented.replacedBy = successor.token.id;
  return successor;
}
