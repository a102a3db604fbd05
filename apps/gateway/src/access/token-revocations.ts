import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '../config.js';

/**
 * Access tokens that must stop working before they expire, learned from auth's broadcast events.
 * Entries live exactly as long as any token they could match (the access-token TTL), so memory is
 * bounded by the revocation rate. Per replica and in memory: every replica receives every event.
 */
@Injectable()
export class TokenRevocations {
  // Insertion order equals expiry order (same TTL for all), so pruning stops at the first live entry.
  private readonly revokedSessions = new Map<string, number>();
  private readonly rolesChanged = new Map<string, { changedAtSeconds: number; expiresAt: number }>();
  private readonly sessionRevokedListeners = new Set<(sessionId: string) => void>();

  constructor(private readonly config: GatewayConfig) {}

  revokeSession(sessionId: string): void {
    this.prune();
    this.revokedSessions.delete(sessionId);
    this.revokedSessions.set(sessionId, this.expiry());
    for (const listener of this.sessionRevokedListeners) listener(sessionId);
  }

  /** For long-lived responses (the notification stream) that must end with their session; returns the unsubscribe. */
  onSessionRevoked(listener: (sessionId: string) => void): () => void {
    this.sessionRevokedListeners.add(listener);
    return () => this.sessionRevokedListeners.delete(listener);
  }

  /** Tokens of this user issued before `changedAt` carry stale roles and are refused. */
  changeRoles(userId: string, changedAt: Date): void {
    this.prune();
    this.rolesChanged.delete(userId);
    this.rolesChanged.set(userId, { changedAtSeconds: Math.floor(changedAt.getTime() / 1000), expiresAt: this.expiry() });
  }

  isSessionRevoked(sessionId: string): boolean {
    const expiresAt = this.revokedSessions.get(sessionId);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  hasStaleRoles(userId: string, issuedAtSeconds: number): boolean {
    const change = this.rolesChanged.get(userId);
    return change !== undefined && change.expiresAt > Date.now() && issuedAtSeconds < change.changedAtSeconds;
  }

  private expiry(): number {
    return Date.now() + (this.config.ACCESS_TOKEN_TTL_SECONDS + this.config.JWT_CLOCK_TOLERANCE_SECONDS) * 1000;
  }

  private prune(): void {
    const now = Date.now();
    for (const [sessionId, expiresAt] of this.revokedSessions) {
      if (expiresAt > now) break;
      this.revokedSessions.delete(sessionId);
    }
    for (const [userId, { expiresAt }] of this.rolesChanged) {
      if (expiresAt > now) break;
      this.rolesChanged.delete(userId);
    }
  }
}
