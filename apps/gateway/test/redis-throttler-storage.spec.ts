// Rate-limit counters on the real Redis (REDIS_URL or 127.0.0.1:6379): what makes limits hold across replicas.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisThrottlerStorage } from '../src/rate-limits/redis-throttler.storage.js';
import { testRedis } from './support/test-redis.js';

const { url, prefix, dropKeys } = testRedis();
const replicaA = new RedisThrottlerStorage(url, prefix);
const replicaB = new RedisThrottlerStorage(url, prefix);

beforeAll(() => Promise.all([replicaA.onModuleInit(), replicaB.onModuleInit()]));

afterAll(async () => {
  await dropKeys();
  await Promise.all([replicaA.onApplicationShutdown(), replicaB.onApplicationShutdown()]);
});

describe('RedisThrottlerStorage', () => {
  it('counts the hits of every replica against one budget', async () => {
    const key = randomUUID();
    await replicaA.increment(key, 60_000, 3, 60_000, 'default');
    await replicaB.increment(key, 60_000, 3, 60_000, 'default');
    const third = await replicaA.increment(key, 60_000, 3, 60_000, 'default');
    expect(third).toMatchObject({ totalHits: 3, isBlocked: false });
    expect(third.timeToExpire).toBeGreaterThan(55);
    expect(third.timeToExpire).toBeLessThanOrEqual(60);
  });

  it('blocks on the hit past the limit, on every replica, for the block duration', async () => {
    const key = randomUUID();
    for (let hit = 0; hit < 2; hit++) await replicaA.increment(key, 60_000, 2, 300_000, 'login-account');
    const refused = await replicaB.increment(key, 60_000, 2, 300_000, 'login-account');
    expect(refused).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 300 });
    expect(await replicaA.increment(key, 60_000, 2, 300_000, 'login-account')).toMatchObject({ isBlocked: true });
  });

  it('keeps separate budgets per throttler name and key', async () => {
    const key = randomUUID();
    await replicaA.increment(key, 60_000, 1, 60_000, 'default');
    expect(await replicaA.increment(key, 60_000, 1, 60_000, 'login-account')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await replicaA.increment(randomUUID(), 60_000, 1, 60_000, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('fails open when Redis is unreachable instead of failing the request', async () => {
    const unreachable = new RedisThrottlerStorage('redis://127.0.0.1:1', prefix);
    expect(await unreachable.increment(randomUUID(), 60_000, 1, 60_000, 'default')).toEqual({ totalHits: 0, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    await unreachable.onApplicationShutdown();
  });
});
