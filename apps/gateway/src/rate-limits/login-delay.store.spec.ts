import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { delayAfter, MemoryLoginDelayStore, type LoginDelayPolicy } from './login-delay.store.js';

const policy: LoginDelayPolicy = { freeFailures: 3, baseMs: 1_000, maxMs: 60_000, memoryMs: 900_000 };

describe('delayAfter', () => {
  it('is free for the first failures, then doubles from the base up to the cap', () => {
    const delays = Array.from({ length: 12 }, (_, index) => delayAfter(index + 1, policy));
    expect(delays).toEqual([0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('stays at the cap however many failures there are (no overflow)', () => {
    expect(delayAfter(10_000, policy)).toBe(60_000);
  });
});

describe('MemoryLoginDelayStore', () => {
  let store: MemoryLoginDelayStore;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-25T12:00:00Z') });
    store = new MemoryLoginDelayStore();
  });
  afterEach(() => vi.useRealTimers());

  const failTimes = async (account: string, times: number) => {
    for (let attempt = 0; attempt < times; attempt++) expect(await store.attempt(account, policy)).toEqual({ allowed: true });
  };

  it('lets the free failures through at once, then makes the account wait the growing delay', async () => {
    await failTimes('a', 4);
    expect(await store.attempt('a', policy)).toEqual({ allowed: false, retryAfterMs: 1_000 });
    vi.advanceTimersByTime(1_000);
    expect(await store.attempt('a', policy)).toEqual({ allowed: true });
    expect(await store.attempt('a', policy)).toEqual({ allowed: false, retryAfterMs: 2_000 });
  });

  it('restarts the delay when the failure is known, so a slow password check does not eat into it', async () => {
    await failTimes('a', 4);
    vi.advanceTimersByTime(800);
    await store.failed('a', policy);
    expect(await store.attempt('a', policy)).toEqual({ allowed: false, retryAfterMs: 1_000 });
  });

  it('does not extend the delay for attempts refused during it', async () => {
    await failTimes('a', 4);
    vi.advanceTimersByTime(400);
    for (let i = 0; i < 10; i++) await store.attempt('a', policy);
    expect(await store.attempt('a', policy)).toEqual({ allowed: false, retryAfterMs: 600 });
  });

  it('counts each account on its own', async () => {
    await failTimes('a', 4);
    await failTimes('b', 4);
  });

  it('forgets the failures after a success', async () => {
    await failTimes('a', 4);
    await store.succeeded('a');
    await failTimes('a', 4);
  });

  it('forgets the failures memoryMs after the last one', async () => {
    await failTimes('a', 3);
    vi.advanceTimersByTime(900_000);
    await failTimes('a', 4);
  });
});
