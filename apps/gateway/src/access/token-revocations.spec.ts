import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testConfig } from '../../test/support/gateway-test-app.js';
import { TokenRevocations } from './token-revocations.js';

const config = testConfig({ ACCESS_TOKEN_TTL_SECONDS: 900, JWT_CLOCK_TOLERANCE_SECONDS: 5 });
let revocations: TokenRevocations;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-24T12:00:00Z') });
  revocations = new TokenRevocations(config);
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
