import { describe, expect, it } from 'vitest';
import { checkRefreshToken } from './refresh-token-check.js';

const now = new Date('2026-11-24T12:00:00.000Z');
const later = new Date('2026-11-25T12:00:00.000Z');
const earlier = new Date('2026-11-23T12:00:00.000Z');
const activeSession = { revokedAt: null, createdAt: earlier, lastUsedAt: earlier };
const revokedSession = { ...activeSession, revokedAt: earlier };
const DAY = 86_400;
const lifetime = { maxLifetimeSeconds: 30 * DAY, idleTimeoutSeconds: 7 * DAY };
const fresh = { usedAt: null, expiresAt: later };

describe('checkRefreshToken', () => {
  it('accepts an unused, unexpired token of an active session', () => {
    expect(checkRefreshToken(fresh, activeSession, lifetime, now)).toBe('valid');
  });

  it('detects reuse of a token that was already exchanged', () => {
    expect(checkRefreshToken({ usedAt: earlier, expiresAt: later }, activeSession, lifetime, now)).toBe('reused');
  });

  it('detects reuse even after the spent token has expired', () => {
    expect(checkRefreshToken({ usedAt: earlier, expiresAt: earlier }, activeSession, lifetime, now)).toBe('reused');
  });

  it('rejects an unused token at its expiry instant as expired', () => {
    expect(checkRefreshToken({ usedAt: null, expiresAt: now }, activeSession, lifetime, now)).toBe('expired');
  });

  it('reports a revoked session before reuse, so a revoked session is not revoked twice', () => {
    expect(checkRefreshToken({ usedAt: earlier, expiresAt: later }, revokedSession, lifetime, now)).toBe('session-revoked');
    expect(checkRefreshToken(fresh, revokedSession, lifetime, now)).toBe('session-revoked');
  });

  it('expires a session at its absolute lifetime even when it was used a moment ago', () => {
    const old = { revokedAt: null, createdAt: new Date(now.getTime() - 30 * DAY * 1000), lastUsedAt: now };
    expect(checkRefreshToken(fresh, old, lifetime, now)).toBe('session-expired');
    expect(checkRefreshToken(fresh, { ...old, createdAt: new Date(old.createdAt.getTime() + 1) }, lifetime, now)).toBe('valid');
  });

  it('expires a session left unused for the idle timeout', () => {
    const idle = { revokedAt: null, createdAt: earlier, lastUsedAt: new Date(now.getTime() - 7 * DAY * 1000) };
    expect(checkRefreshToken(fresh, idle, lifetime, now)).toBe('session-expired');
    expect(checkRefreshToken(fresh, { ...idle, lastUsedAt: new Date(idle.lastUsedAt.getTime() + 1) }, lifetime, now)).toBe('valid');
  });

  it('still treats a spent token of an expired session as reuse', () => {
    const idle = { revokedAt: null, createdAt: earlier, lastUsedAt: new Date(now.getTime() - 8 * DAY * 1000) };
    expect(checkRefreshToken({ usedAt: earlier, expiresAt: later }, idle, lifetime, now)).toBe('reused');
  });
});
