import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { TokenPair } from '@plinth/contracts';
import { AuthConfig } from '../config.js';
import type { Credential } from '../credentials/credential.entity.js';
import { accessTokenClaims } from '../signing-keys/access-token-claims.js';
import { SigningKeyRing } from '../signing-keys/signing-key-ring.js';
import type { RefreshToken } from './refresh-token.entity.js';
import { issueRefreshToken, rotateRefreshToken, type IssuedRefreshToken } from './refresh-token-rotation.js';
import type { Session } from './session.entity.js';

/** Turns a refresh token (new or rotated) into the pair the client gets, signing an access token with current roles. */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeyRing,
    private readonly config: AuthConfig,
  ) {}

  /** First tokens of a new session; the refresh token row joins `tx`. */
  issue(tx: EntityManager, session: Session, credential: Credential, now: Date): Promise<TokenPair> {
    return this.pair(tx, issueRefreshToken(session.id, now, this.config.REFRESH_TOKEN_TTL_SECONDS), session, credential, now);
  }

  /** Spends `presented` and issues its successor within `tx`. */
  rotate(tx: EntityManager, presented: RefreshToken, session: Session, credential: Credential, now: Date): Promise<TokenPair> {
    return this.pair(tx, rotateRefreshToken(presented, now, this.config.REFRESH_TOKEN_TTL_SECONDS), session, credential, now);
  }

  private async pair(tx: EntityManager, refresh: IssuedRefreshToken, session: Session, credential: Credential, now: Date): Promise<TokenPair> {
    tx.persist(refresh.token);
    const policy = {
      issuer: this.config.JWT_ISSUER,
      audience: this.config.JWT_AUDIENCE,
      ttlSeconds: this.config.ACCESS_TOKEN_TTL_SECONDS,
    };
    const claims = accessTokenClaims({ userId: credential.id, sessionId: session.id, roles: credential.roles }, policy, now);
    return {
      accessToken: await this.keys.sign(claims),
      refreshToken: refresh.secret,
      tokenType: 'Bearer',
      expiresIn: policy.ttlSeconds,
    };
  }
}
