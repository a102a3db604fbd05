import { describe, expect, it } from 'vitest';
import { attemptOf, decideOnFailure } from './retry-policy.js';

const retry = { maxAttempts: 5, delaysMs: [1000, 5000, 15000, 30000] };

describe('attemptOf', () => {
  it('counts a delivery without the attempt header as the first attempt', () => {
    expect(attemptOf(undefined)).toBe(1);
    expect(attemptOf({})).toBe(1);
  });

  it('reads the attempt the transport stamped on a retried message', () => {
    expect(attemptOf({ 'x-plinth-attempt': 3 })).toBe(3);
  });

  it('treats a garbage attempt header as the first attempt', () => {
    expect(attemptOf({ 'x-plinth-attempt': 'soon' })).toBe(1);
    expect(attemptOf({ 'x-plinth-attempt': 0 })).toBe(1);
  });
});

describe('decideOnFailure', () => {
  it('sends failed attempt n to retry queue n with the next attempt number', () => {
    expect(decideOnFailure('users', 1, retry)).toEqual({ action: 'retry', queue: 'users.events.retry.1', nextAttempt: 2 });
    expect(decideOnFailure('users', 4, retry)).toEqual({ action: 'retry', queue: 'users.events.retry.4', nextAttempt: 5 });
  });

  it('dead-letters once maxAttempts are spent', () => {
    expect(decideOnFailure('users', 5, retry)).toEqual({ action: 'dead-letter', queue: 'users.events.dlq', attempts: 5 });
  });

  it('reuses the last retry queue when attempts outnumber delays', () => {
    expect(decideOnFailure('users', 3, { maxAttempts: 10, delaysMs: [100, 200] }))
      .toEqual({ action: 'retry', queue: 'users.events.retry.2', nextAttempt: 4 });
  });

  it('never retries when a single attempt is allowed', () => {
    expect(decideOnFailure('users', 1, { maxAttempts: 1, delaysMs: [100] }).action).toBe('dead-letter');
  });
});
