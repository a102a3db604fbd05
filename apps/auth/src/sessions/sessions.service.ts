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
  | { verdict: RefreshTokenVerdict; token: RefreshToken; session: Session; now: Date };

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
  async open(tx: EntityManager, credential: Credential): Promise<TokenPair> {
    const now = new Date();
    const session = new Session(credential.id, now);
    tx.persist(session);
    return this.tokens.issue(tx, session, credential, now);
  }

  /**
   * Exchanges a refresh token for a new pair. The token row is locked, so of two concurrent
   * exchanges of one token the second sees it spent and is treated as reuse: the session is revoked.
   */
  async refresh(secret: string): Promise<TokenPair> {
    let revoked = false;
    const result = await this.em.fork().transactional(async (tx) => {
      const presented = await this.lockPresented(tx, secret);
      if (presented.verdict === 'reused') {
        revoked = this.revoke(tx, presented.session, 'refresh-token-reuse', presented.now);
        return presented.verdict;
      }
      if (presented.verdict !== 'valid') return presented.verdict;
      const { token, session, now } = presented;
      // Shared lock: a concurrent role change commits first or waits, so the new token never
      // carries roles older than an `auth.roles.changed` it postdates.
      const credential = await tx.findOneOrFail(Credential, session.userId, { lockMode: LockMode.PESSIMISTIC_READ });
      return this.tokens.rotate(tx, token, session, credential, now);
    });
    if (revoked) this.outbox.notifyCommitted();
    if (typeof result !== 'string') return result;
    throw result === 'session-revoked'
      ? new ApplicationError(ErrorCodes.AUTH_SESSION_REVOKED, 'The session has been revoked')
      : invalidRefreshToken();
  }

  /** Ends the session the token belongs to. Idempotent for an already-ended session; a spent token counts as reuse. */
  async logout(secret: string): Promise<void> {
    let revoked = false;
    const verdict = await this.em.fork().transactional(async (tx) => {
      const presented = await this.lockPresented(tx, secret);
      if (presented.verdict === 'unknown') return presented.verdict;
      const reason = presented.verdict === 'reused' ? 'refresh-token-reuse' : 'logout';
      revoked = this.revoke(tx, presented.session, reason, presented.now);
      return presented.verdict;
    });
    if (revoked) this.outbox.notifyCommitted();
    if (verdict === 'unknown' || verdict === 'reused') throw invalidRefreshToken();
  }

  /** Admin: ends every active session of a user, one `auth.session.revoked` per session. */
  async revokeUserSessions(actor: Actor, userId: string): Promise<RevokeUserSessionsResult> {
    assertAdmin(actor);
    const revokedSessions = await this.em.fork().transactional(async (tx) => {
      if (!(await tx.findOne(Credential, userId))) throw new ApplicationError(ErrorCodes.NOT_FOUND, 'User not found');
      const active = await tx.find(Session, { userId, revokedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const now = new Date();
      for (const session of active) this.revoke(tx, session, 'admin', now);
      return active.length;
    });
    if (revokedSessions > 0) this.outbox.notifyCommitted();
    return { revokedSessions };
  }

  /**
   * Token, then its session (then, on refresh, its credential): the one lock order every path uses,
   * so they cannot deadlock. The time is taken once the locks are held, as the moment of the decision.
   */
  private async lockPresented(tx: EntityManager, secret: string): Promise<PresentedToken> {
    const lock = { lockMode: LockMode.PESSIMISTIC_WRITE } as const;
    const token = await tx.findOne(RefreshToken, { tokenHash: hashRefreshTokenSecret(secret) }, lock);
    const session = token && (await tx.findOne(Session, token.sessionId, lock));
    if (!token || !session) return { verdict: 'unknown' };
    const now = new Date();
    return { verdict: checkRefreshToken(token, session, now), token, session, now };
  }

  private revoke(tx: EntityManager, session: Session, reason: RevokeReason, now: Date): boolean {
    if (!session.isActive) return false;
    session.revoke(reason, now);
    this.outbox.add(tx, sessionRevoked({ sessionId: session.id, userId: session.userId, reason }));
    return true;
  }
}
