import { describe, expect, it } from 'vitest';
import { checkRefreshToken } from './refresh-token-check.js';

const now = new Date('2026-11-24T12:00:00.000Z');
const later = new Date('2026-11-25T12:00:00.000Z');
const earlier = new Date('2026-11-23T12:00:00.000Z');
const activeSession = { revokedAt: null };
const revokedSession = { revokedAt: earlier };
const fresh = { usedAt: null, expiresAt: later };

describe('checkRefreshToken', () => {
  it('accepts an unused, unexpired token of an active session', () => {
    expect(checkRefreshToken(fresh, activeSession, now)).toBe('valid');
  });

  it('detects reuse of a token that was already exchanged', () => {
    expect(checkRefreshToken({ usedAt: earlier, expiresAt: later }, activeSession, now)).toBe('reused');
  });

  it('detects reuse even after the spent token has expired', () => {
    expect(checkRefreshToken({ usedAt: earlier, expiresAt: earlier }, activeSession, now)).toBe('reused');
  });

  it('rejects an unused token at its expiry instant as expired', () => {
    expect(checkRefreshToken({ usedAt: null, expiresAt: now }, activeSession, now)).toBe('expired');
  });

  it('reports a revoked session before reuse, so a revoked session is not revoked twice', () => {
    expect(checkRefreshToken({ usedAt: earlier, expiresAt: later }, revokedSession, now)).toBe('session-revoked');
    expect(checkRefreshToken(fresh, revokedSession, now)).toBe('session-revoked');
  });
});
