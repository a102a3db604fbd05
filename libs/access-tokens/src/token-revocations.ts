import type { RecentRevocations } from '@plinth/contracts';

/** Sweeps of expired entries happen at most this often (each is O(entries)). */
const PRUNE_INTERVAL_MS = 1_000;

/**
 * Access tokens that must stop working before they expire: sessions revoked and users whose roles changed, learned
 * from auth's broadcast events and from auth's list of recent revocations (RevocationSync, at every broker
 * (re)connection). An entry lives as long as any token it could match (`rememberSeconds`: the access-token lifetime
 * plus the clock tolerance), so memory is bounded by the revocation rate. Per process and in memory.
 */
export class TokenRevocations {
  private readonly revokedSessions = new Map<string, number>();
  private readonly rolesChanged = new Map<string, { changedAtSeconds: number; expiresAt: number }>();
  private readonly sessionRevokedListeners = new Set<(sessionId: string) => void>();
  private lastPruneAt = 0;

  constructor(private readonly rememberSeconds: number) {}

  /** A session revoked at `revokedAt` (now, for a live event): its tokens are refused until they must have expired. */
  revokeSession(sessionId: string, revokedAt = new Date()): void {
    this.prune();
    const expiresAt = this.expiryAfter(revokedAt);
    if (expiresAt <= Date.now()) return;
    const known = this.revokedSessions.get(sessionId);
    this.revokedSessions.set(sessionId, Math.max(known ?? 0, expiresAt));
    if (known === undefined) for (const listener of this.sessionRevokedListeners) listener(sessionId);
  }

  /** For long-lived responses (the notification stream) that must end with their session; returns the unsubscribe. */
  onSessionRevoked(listener: (sessionId: string) => void): () => void {
    this.sessionRevokedListeners.add(listener);
    return () => this.sessionRevokedListeners.delete(listener);
  }

  /** Tokens of this user issued before `changedAt` carry stale roles and are refused. The latest change wins. */
  changeRoles(userId: string, changedAt: Date): void {
    this.prune();
    const expiresAt = this.expiryAfter(changedAt);
    if (expiresAt <= Date.now()) return;
    const changedAtSeconds = Math.floor(changedAt.getTime() / 1000);
    const known = this.rolesChanged.get(userId);
    if (known && known.changedAtSeconds >= changedAtSeconds) return;
    this.rolesChanged.set(userId, { changedAtSeconds, expiresAt });
  }

  /** Merges auth's list: never forgets what a live event taught in the meantime. */
  apply(recent: RecentRevocations): void {
    for (const { sessionId, revokedAt } of recent.revokedSessions) this.revokeSession(sessionId, new Date(revokedAt));
    for (const { userId, changedAt } of recent.rolesChanged) this.changeRoles(userId, new Date(changedAt));
  }

  isSessionRevoked(sessionId: string): boolean {
    const expiresAt = this.revokedSessions.get(sessionId);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  hasStaleRoles(userId: string, issuedAtSeconds: number): boolean {
    const change = this.rolesChanged.get(userId);
    return change !== undefined && change.expiresAt > Date.now() && issuedAtSeconds < change.changedAtSeconds;
  }

  private expiryAfter(at: Date): number {
    // Never before now + remember for a live event; for a listed one, counted from when it happened.
    return at.getTime() + this.rememberSeconds * 1000;
  }

  private prune(): void {
    const now = Date.now();
    if (now - this.lastPruneAt < PRUNE_INTERVAL_MS) return;
    this.lastPruneAt = now;
    for (const [sessionId, expiresAt] of this.revokedSessions) if (expiresAt <= now) this.revokedSessions.delete(sessionId);
    for (const [userId, { expiresAt }] of this.rolesChanged) if (expiresAt <= now) this.rolesChanged.delete(userId);
  }
}
