// Login pacing on the real Redis (REDIS_URL or 127.0.0.1:6379): what makes the delay hold across replicas.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoginDelayPolicy } from '../src/rate-limits/login-delay.store.js';
import { RedisLoginDelayStore } from '../src/rate-limits/redis-login-delay.store.js';
import { testRedis } from './support/test-redis.js';

const { url, prefix, dropKeys } = testRedis();
const replicaA = new RedisLoginDelayStore(url, prefix);
const replicaB = new RedisLoginDelayStore(url, prefix);
const policy: LoginDelayPolicy = { freeFailures: 2, baseMs: 2_000, maxMs: 8_000, memoryMs: 60_000 };

afterAll(async () => {
  await dropKeys();
  await Promise.all([replicaA.onApplicationShutdown(), replicaB.onApplicationShutdown()]);
});

const refusal = async (store: RedisLoginDelayStore, account: string): Promise<number> => {
  const verdict = await store.attempt(account, policy);
  if (verdict.allowed) throw new Error('expected the attempt to be refused');
  return verdict.retryAfterMs;
};

describe('RedisLoginDelayStore', () => {
  it('paces one account across replicas: free failures, then the delay, refused on every replica', async () => {
    const account = randomUUID();
    // The connection may still be opening for the very first command (fail open): wait for it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await replicaA.attempt(account, policy)).toEqual({ allowed: true });
    expect(await replicaB.attempt(account, policy)).toEqual({ allowed: true });
    expect(await replicaA.attempt(account, policy)).toEqual({ allowed: true });
    const waitB = await refusal(replicaB, account);
    expect(waitB).toBeGreaterThan(1_900);
    expect(waitB).toBeLessThanOrEqual(2_000);
    expect(await refusal(replicaA, account)).toBeLessThanOrEqual(waitB);
  });

  it('restarts the delay from the failure on any replica, so the time auth took does not count', async () => {
    const account = randomUUID();
    for (let i = 0; i < 3; i++) await replicaA.attempt(account, policy);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await replicaB.failed(account, policy);
    expect(await refusal(replicaA, account)).toBeGreaterThan(1_900);
  });

  it('lets exactly one of many parallel attempts through once the account must wait', async () => {
    const account = randomUUID();
    await replicaA.attempt(account, policy);
    await replicaA.attempt(account, policy);
    const verdicts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? replicaA : replicaB).attempt(account, policy)));
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(1);
  });

  it('resets after a success, and forgets failures memoryMs after the last one', async () => {
    const account = randomUUID();
    for (let i = 0; i < 3; i++) await replicaA.attempt(account, policy);
    await replicaB.succeeded(account);
    expect(await replicaA.attempt(account, policy)).toEqual({ allowed: true });
    const admin = new Redis(url);
    const ttl = await admin.pttl(`${prefix}login-delay:${account}`);
    await admin.quit();
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
