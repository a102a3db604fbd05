import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ApplicationError, ErrorCodes, type Actor, type ClientContext, type RevokeUserSessionsResult, type SessionList, type TokenPair } from '@plinth/contracts';
import { Outbox } from '@plinth/messaging';
import { assertAdmin } from '../admin-actor.js';
import { sessionRevoked } from '../auth-events.js';
import { AuthConfig } from '../config.js';
import { Credential } from '../credentials/credential.entity.js';
import { SecurityTrail } from '../security-events/security-trail.js';
import { checkRefreshToken, hasSessionExpired, type RefreshTokenVerdict, type SessionLifetime } from './refresh-token-check.js';
import { RefreshToken } from './refresh-token.entity.js';
import { hashRefreshTokenSecret } from './refresh-token-secret.js';
import { Session, type RevokeReason } from './session.entity.js';
import { TokenIssuer } from './token-issuer.js';

/** A presented token: unknown, or found together with its session and judged. */
type PresentedToken =
  | { verdict: 'unknown' }
  | { verdict: RefreshTokenVerdict; token: RefreshToken; session: Session; now: Date };

/** Who ends a session and from where: recorded in the security trail with the revocation. */
export interface Ending {
  reason: RevokeReason;
  actorId: string | null;
  client: ClientContext;
}

const invalidRefreshToken = () => new ApplicationError(ErrorCodes.AUTH_INVALID_REFRESH_TOKEN, 'Refresh token is invalid or expired');

/** Sessions and their refresh-token chains: open, rotate, end. Every revocation is announced through the outbox. */
@Injectable()
export class SessionsService {
  private readonly lifetime: SessionLifetime;

  constructor(
    private readonly em: EntityManager,
    private readonly outbox: Outbox,
    private readonly tokens: TokenIssuer,
    private readonly trail: SecurityTrail,
    config: AuthConfig,
  ) {
    this.lifetime = { maxLifetimeSeconds: config.SESSION_MAX_LIFETIME_SECONDS, idleTimeoutSeconds: config.SESSION_IDLE_TIMEOUT_SECONDS };
  }

  /** Opens a session for `credential` inside the caller's transaction. */
  async open(tx: EntityManager, credential: Credential, client: ClientContext): Promise<TokenPair> {
    const now = new Date();
    const session = new Session(credential.id, now, client);
    tx.persist(session);
    return this.tokens.issue(tx, session, credential, now);
  }

  /**
   * Exchanges a refresh token for a new pair. The token row is locked, so of two concurrent
   * exchanges of one token the second sees it spent and is treated as reuse: the session is revoked.
   */
  async refresh(secret: string, client: ClientContext): Promise<TokenPair> {
    let revoked = false;
    const result = await this.em.fork().transactional(async (tx) => {
      const presented = await this.lockPresented(tx, secret);
      if (presented.verdict === 'reused') {
        revoked = this.revoke(tx, presented.session, { reason: 'refresh-token-reuse', actorId: null, client }, presented.now);
        return presented.verdict;
      }
      if (presented.verdict !== 'valid') return presented.verdict;
      const { token, session, now } = presented;
      session.touch(now, client);
      // Shared lock: a concurrent role change commits first or waits, so the new token never
      // carries roles older than an `auth.roles.changed` it postdates.
      const credential = await tx.findOneOrFail(Credential, session.userId, { lockMode: LockMode.PESSIMISTIC_READ });
      // Disabling revokes every session, so this only closes the window of a session opened concurrently with it.
      if (credential.disabledAt) return 'session-revoked';
      return this.tokens.rotate(tx, token, session, credential, now);
    });
    if (revoked) this.outbox.notifyCommitted();
    if (typeof result !== 'string') return result;
    if (result === 'session-revoked') throw new ApplicationError(ErrorCodes.AUTH_SESSION_REVOKED, 'The session has been revoked');
    if (result === 'session-expired') throw new ApplicationError(ErrorCodes.AUTH_SESSION_EXPIRED, 'The session has expired; sign in again');
    throw invalidRefreshToken();
  }

  /** Ends the session the token belongs to. Idempotent for an already-ended session; a spent token counts as reuse. */
  async logout(secret: string, client: ClientContext): Promise<void> {
    let revoked = false;
    const verdict = await this.em.fork().transactional(async (tx) => {
      const presented = await this.lockPresented(tx, secret);
      if (presented.verdict === 'unknown') return presented.verdict;
      const reason = presented.verdict === 'reused' ? 'refresh-token-reuse' : 'logout';
      revoked = this.revoke(tx, presented.session, { reason, actorId: presented.session.userId, client }, presented.now);
      return presented.verdict;
    });
    if (revoked) this.outbox.notifyCommitted();
    if (verdict === 'unknown' || verdict === 'reused') throw invalidRefreshToken();
  }

  /** Admin: ends every active session of a user, one `auth.session.revoked` per session. */
  async revokeUserSessions(actor: Actor, userId: string, client: ClientContext): Promise<RevokeUserSessionsResult> {
    assertAdmin(actor);
    const revokedSessions = await this.em.fork().transactional(async (tx) => {
      if (!(await tx.findOne(Credential, userId))) throw new ApplicationError(ErrorCodes.NOT_FOUND, 'User not found');
      const active = await tx.find(Session, { userId, revokedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const now = new Date();
      for (const session of active) this.revoke(tx, session, { reason: 'admin', actorId: actor.userId, client }, now);
      return active.length;
    });
    if (revokedSessions > 0) this.outbox.notifyCommitted();
    return { revokedSessions };
  }

  /** The caller's open sessions, most recently used first. */
  async list(actor: Actor, currentSessionId: string): Promise<SessionList> {
    const sessions = await this.em.fork().find(Session, { userId: actor.userId, revokedAt: null }, { orderBy: { lastUsedAt: 'desc', id: 'desc' } });
    const now = new Date();
    const open = sessions.filter((session) => !hasSessionExpired(session, this.lifetime, now));
    return {
      items: open.map((session) => ({
        id: session.id,
        createdAt: session.createdAt.toISOString(),
        lastUsedAt: session.lastUsedAt.toISOString(),
        userAgent: session.userAgent,
        address: session.address,
        current: session.id === currentSessionId,
      })),
    };
  }

  /** The caller ends one of their own sessions; anyone else's, or an unknown id, is not found (its existence is not revealed). */
  async end(actor: Actor, sessionId: string, client: ClientContext): Promise<void> {
    const revoked = await this.em.fork().transactional(async (tx) => {
      const session = await tx.findOne(Session, { id: sessionId, userId: actor.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!session || !session.isActive) throw new ApplicationError(ErrorCodes.NOT_FOUND, 'Session not found');
      return this.revoke(tx, session, { reason: 'ended-by-user', actorId: actor.userId, client }, new Date());
    });
    if (revoked) this.outbox.notifyCommitted();
  }

  /**
   * Ends every active session of `userId` but `keepSessionId` within `tx` (password change, reset, disabling);
   * the caller notifies the outbox after commit. Returns how many ended.
   */
  async revokeAllWithin(tx: EntityManager, userId: string, ending: Ending, keepSessionId?: string): Promise<number> {
    const active = await tx.find(Session, { userId, revokedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const now = new Date();
    let count = 0;
    for (const session of active) if (session.id !== keepSessionId && this.revoke(tx, session, ending, now)) count += 1;
    return count;
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
    return { verdict: checkRefreshToken(token, session, this.lifetime, now), token, session, now };
  }

  private revoke(tx: EntityManager, session: Session, ending: Ending, now: Date): boolean {
    if (!session.isActive) return false;
    session.revoke(ending.reason, now);
    this.outbox.add(tx, sessionRevoked({ sessionId: session.id, userId: session.userId, reason: ending.reason }));
    this.trail.record(tx, { userId: session.userId, type: 'session-ended', actorId: ending.actorId, client: ending.client }, now);
    return true;
  }
}
