import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ApplicationError, ErrorCodes, type Actor, type RevokeUserSessionsResult, type TokenPair } from '@plinth/contracts';
import { Outbox } from '@plinth/messaging';
import { assertAdmin } from '../admin-actor.js';
import { sessionRevoked } from '../auth-events.js';
import { Credential } from '../credentials/credential.entity.js';
import { checkRefreshToken, type RefreshTokenVerdict } from './refresh-token-check.js';
import { RefreshToken } from './refresh-token.entity.js';
import { hashRefreshTokenSecret } from './refresh-token-secret.js';
import { Session, type RevokeReason } from './session.entity.js';
import { TokenIssuer } from './token-issuer.js';

/** A presented token: unknown, or found together with its session and judged. */
type PresentedToken =
  | { verdict: 'unknown' }
  | { verdict: RefreshTokenVerdict; token: RefreshToken; session: Session };

const invalidRefreshToken = () => new ApplicationError(ErrorCodes.AUTH_INVALID_REFRESH_TOKEN, 'Refresh token is invalid or expired');

/** Sessions and their refresh-token chains: open, rotate, end. Every revocation is announced through the outbox. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: Outbox,
    private readonly tokens: TokenIssuer,
  ) {}

  /** Opens a session for `credential` inside the caller's transaction. */
  async open(tx: EntityManager, credential: Credential, now = new Date()): Promise<TokenPair> {
    const session = new Session(credential.id, now);
    tx.persist(session);
    return this.tokens.issue(tx, session, credential, now);
  }

  /**
   * Exchanges a refresh token for a new pair. The token row is locked, so of two concurrent
   * exchanges of one token the second sees it spent and is treated as reuse: the session is revoked.
   */
  async refresh(secret: string, now = new Date()): Promise<TokenPair> {
    let revoked = false;
    const result = await this.em.fork().transactional(async (tx) => {
      const presented = await this.lockPresented(tx, secret, now);
      if (presented.verdict === 'reused') {
        revoked = this.revoke(tx, presented.session, 'refresh-token-reuse', now);
        return presented.verdict;
      }
      if (presented.verdict !== 'valid') return presented.verdict;
      const { token, session } = presented;
      const credential = await tx.findOneOrFail(Credential, session.userId);
      return this.tokens.rotate(tx, token, session, credential, now);
    });
    if (revoked) this.outbox.notifyCommitted();
    if (typeof result !== 'string') return result;
    throw result === 'session-revoked'
      ? new ApplicationError(ErrorCodes.AUTH_SESSION_REVOKED, 'The session has been revoked')
      : invalidRefreshToken();
  }

  /** Ends the session the token belongs to. Idempotent for an already-ended session; a spent token counts as reuse. */
  async logout(secret: string, now = new Date()): Promise<void> {
    let revoked = false;
    const verdict = await this.em.fork().transactional(async (tx) => {
      const presented = await this.lockPresented(tx, secret, now);
      if (presented.verdict === 'unknown') return presented.verdict;
      const reason = presented.verdict === 'reused' ? 'refresh-token-reuse' : 'logout';
      revoked = this.revoke(tx, presented.session, reason, now);
      return presented.verdict;
    });
    if (revoked) this.outbox.notifyCommitted();
    if (verdict === 'unknown' || verdict === 'reused') throw invalidRefreshToken();
  }

  /** Admin: ends every active session of a user, one `auth.session.revoked` per session. */
  async revokeUserSessions(actor: Actor, userId: string, now = new Date()): Promise<RevokeUserSessionsResult> {
    assertAdmin(actor);
    const revokedSessions = await this.em.fork().transactional(async (tx) => {
      if (!(await tx.findOne(Credential, userId))) throw new ApplicationError(ErrorCodes.NOT_FOUND, 'User not found');
      const active = await tx.find(Session, { userId, revokedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      for (const session of active) this.revoke(tx, session, 'admin', now);
      return active.length;
    });
    if (revokedSessions > 0) this.outbox.notifyCommitted();
    return { revokedSessions };
  }

  /** Token first, then its session: the one lock order every path uses, so they cannot deadlock. */
  private async lockPresented(tx: EntityManager, secret: string, now: Date): Promise<PresentedToken> {
    const lock = { lockMode: LockMode.PESSIMISTIC_WRITE } as const;
    const token = await tx.findOne(RefreshToken, { tokenHash: hashRefreshTokenSecret(secret) }, lock);
    const session = token && (await tx.findOne(Session, token.sessionId, lock));
    if (!token || !session) return { verdict: 'unknown' };
    return { verdict: checkRefreshToken(token, session, now), token, session };
  }

  private revoke(tx: EntityManager, session: Session, reason: RevokeReason, now: Date): boolean {
    if (!session.isActive) return false;
    session.revoke(reason, now);
    this.outbox.add(tx, sessionRevoked({ sessionId: session.id, userId: session.userId, reason }));
    return true;
  }
}
