import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';

describe('MemoryThrottlerStorage', () => {
  let storage: MemoryThrottlerStorage;

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-25T00:00:00Z') });
    storage = new MemoryThrottlerStorage();
  });

  afterEach(() => {
    storage.onApplicationShutdown();
    vi.useRealTimers();
  });

  it('counts hits in a fixed window and starts afresh when it ends', async () => {
    await storage.increment('ip', 60_000, 3, 60_000, 'default');
    vi.advanceTimersByTime(20_000);
    expect(await storage.increment('ip', 60_000, 3, 60_000, 'default')).toEqual({ totalHits: 2, timeToExpire: 40, isBlocked: false, timeToBlockExpire: 0 });
    vi.advanceTimersByTime(40_000);
    expect(await storage.increment('ip', 60_000, 3, 60_000, 'default')).toMatchObject({ totalHits: 1, timeToExpire: 60, isBlocked: false });
  });

  it('blocks on the hit past the limit for the block duration, even beyond the window', async () => {
    for (let hit = 0; hit < 2; hit++) await storage.increment('account', 60_000, 2, 300_000, 'login-account');
    expect(await storage.increment('account', 60_000, 2, 300_000, 'login-account')).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 300 });
    vi.advanceTimersByTime(120_000); // the window is over, the block is not
    expect(await storage.increment('account', 60_000, 2, 300_000, 'login-account')).toMatchObject({ totalHits: 1, isBlocked: true, timeToBlockExpire: 180 });
    vi.advanceTimersByTime(180_000);
    expect(await storage.increment('account', 60_000, 2, 300_000, 'login-account')).toMatchObject({ totalHits: 1, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('keeps separate budgets per throttler name and key', async () => {
    await storage.increment('k', 60_000, 1, 60_000, 'default');
    expect(await storage.increment('k', 60_000, 1, 60_000, 'login-account')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await storage.increment('other', 60_000, 1, 60_000, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await storage.increment('k', 60_000, 1, 60_000, 'default')).toMatchObject({ totalHits: 2, isBlocked: true });
  });

  it('forgets clients whose window and block are over, once a minute', async () => {
    await storage.increment('gone', 10_000, 5, 10_000, 'default');
    for (let hit = 0; hit < 3; hit++) await storage.increment('blocked', 10_000, 1, 600_000, 'default');
    expect(storage.size).toBe(2);
    vi.advanceTimersByTime(60_000);
    expect(storage.size).toBe(1); // the block of 'blocked' still runs
  });
});
