import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RevocationSync } from './revocation-sync.js';
import { TokenRevocations } from './token-revocations.js';

// An access-token TTL of 900 s plus 5 s of clock tolerance.
const REMEMBER_SECONDS = 905;
let revocations: TokenRevocations;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-24T12:00:00Z') });
  revocations = new TokenRevocations(REMEMBER_SECONDS);
});
afterEach(() => vi.useRealTimers());

describe('TokenRevocations', () => {
  it('reports a revoked session as revoked and others as not', () => {
    revocations.revokeSession('sid-1');
    expect(revocations.isSessionRevoked('sid-1')).toBe(true);
    expect(revocations.isSessionRevoked('sid-2')).toBe(false);
  });

  it('remembers a revoked session for the access-token TTL plus clock tolerance, then forgets it', () => {
    revocations.revokeSession('sid-1');
    vi.advanceTimersByTime(904_999);
    expect(revocations.isSessionRevoked('sid-1')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(revocations.isSessionRevoked('sid-1')).toBe(false);
  });

  it('marks tokens issued before a roles change as stale, and later ones as current', () => {
    const changedAt = new Date('2026-11-24T12:00:00Z');
    revocations.changeRoles('user-1', changedAt);
    const changedAtSeconds = changedAt.getTime() / 1000;
    expect(revocations.hasStaleRoles('user-1', changedAtSeconds - 1)).toBe(true);
    expect(revocations.hasStaleRoles('user-1', changedAtSeconds)).toBe(false);
    expect(revocations.hasStaleRoles('user-2', changedAtSeconds - 1)).toBe(false);
  });
});

describe('TokenRevocations.apply (the list from auth)', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

  it('refuses the listed sessions until their tokens must have expired, counted from the revocation', () => {
    revocations.apply({ revokedSessions: [{ sessionId: 'sid-1', revokedAt: ago(900) }], rolesChanged: [] });
    expect(revocations.isSessionRevoked('sid-1')).toBe(true);
    vi.advanceTimersByTime(5_000);
    expect(revocations.isSessionRevoked('sid-1')).toBe(false);
  });

  it('ignores entries too old to match any unexpired token', () => {
    revocations.apply({ revokedSessions: [{ sessionId: 'sid-old', revokedAt: ago(906) }], rolesChanged: [{ userId: 'user-old', changedAt: ago(906) }] });
    expect(revocations.isSessionRevoked('sid-old')).toBe(false);
    expect(revocations.hasStaleRoles('user-old', now.getTime() / 1000 - 1_000)).toBe(false);
  });

  it('keeps what a live event taught: an older listed roles change does not replace a newer one', () => {
    revocations.changeRoles('user-1', now);
    revocations.apply({ revokedSessions: [], rolesChanged: [{ userId: 'user-1', changedAt: ago(60) }] });
    expect(revocations.hasStaleRoles('user-1', now.getTime() / 1000 - 30)).toBe(true);
  });

  it('tells stream listeners once per newly revoked session', () => {
    const told: string[] = [];
    revocations.onSessionRevoked((sessionId) => told.push(sessionId));
    revocations.revokeSession('sid-1');
    revocations.apply({ revokedSessions: [{ sessionId: 'sid-1', revokedAt: ago(1) }, { sessionId: 'sid-2', revokedAt: ago(1) }], rolesChanged: [] });
    expect(told).toEqual(['sid-1', 'sid-2']);
  });
});

describe('RevocationSync', () => {
  it('is not synced until auth answered, retries until it does, and applies the list', async () => {
    vi.useRealTimers();
    revocations = new TokenRevocations(REMEMBER_SECONDS);
    const asked: number[] = [];
    let failures = 2;
    const sync = new RevocationSync(revocations, async (withinSeconds) => {
      asked.push(withinSeconds);
      if (failures-- > 0) throw new Error('auth unavailable');
      return { revokedSessions: [{ sessionId: 'sid-1', revokedAt: new Date().toISOString() }], rolesChanged: [] };
    }, REMEMBER_SECONDS);

    const done = sync.resync();
    expect(sync.isSynced()).toBe(false);
    await done;

    expect(sync.isSynced()).toBe(true);
    expect(asked).toEqual([REMEMBER_SECONDS, REMEMBER_SECONDS, REMEMBER_SECONDS]);
    expect(revocations.isSessionRevoked('sid-1')).toBe(true);
  });

  it('is unsynced again from the moment a new resync starts (a reconnection) until it completes', async () => {
    vi.useRealTimers();
    let answer: (() => void) | undefined;
    const sync = new RevocationSync(revocations, () => new Promise((resolve) => {
      answer = () => resolve({ revokedSessions: [], rolesChanged: [] });
    }), REMEMBER_SECONDS);
    const first = sync.resync();
    answer?.();
    await first;
    expect(sync.isSynced()).toBe(true);

    const second = sync.resync();
    expect(sync.isSynced()).toBe(false);
    answer?.();
    await second;
    expect(sync.isSynced()).toBe(true);
  });

  it('stops retrying once stopped', async () => {
    vi.useRealTimers();
    let calls = 0;
    const sync = new RevocationSync(revocations, () => {
      calls++;
      return Promise.reject(new Error('down'));
    }, REMEMBER_SECONDS);
    const running = sync.resync();
    sync.stop();
    await running;
    expect(calls).toBe(1);
    expect(sync.isSynced()).toBe(false);
  });
});
