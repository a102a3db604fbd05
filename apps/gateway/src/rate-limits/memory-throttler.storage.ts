import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Counter {
  hits: number;
  windowEndsAt: number;
  blockEndsAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

const seconds = (ms: number): number => Math.ceil(ms / 1000);

/**
 * Rate-limit counters in this process (no REDIS_URL): the same fixed-window counting as
 * RedisThrottlerStorage, so a limit means the same with one replica as with many. O(1) per request:
 * @nestjs/throttler's own in-memory storage keeps every hit's expiry and filters the whole list on
 * each request, so one busy client cost the gateway time in proportion to its limit.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly counters = new Map<string, Counter>();
  private readonly sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_INTERVAL_MS).unref();

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    const id = `${throttlerName}:${key}`;
    let counter = this.counters.get(id);
    if (!counter || (counter.windowEndsAt <= now && counter.blockEndsAt <= now)) {
      counter = { hits: 0, windowEndsAt: now + ttl, blockEndsAt: 0 };
      this.counters.set(id, counter);
    } else if (counter.windowEndsAt <= now) {
      // A block outlives its window: the next window starts counting afresh, the block still holds.
      counter.hits = 0;
      counter.windowEndsAt = now + ttl;
    }
    counter.hits += 1;
    if (counter.blockEndsAt <= now && counter.hits > limit) counter.blockEndsAt = now + blockDuration;
    const blockLeft = Math.max(0, counter.blockEndsAt - now);
    return Promise.resolve({
      totalHits: counter.hits,
      timeToExpire: seconds(counter.windowEndsAt - now),
      isBlocked: blockLeft > 0,
      timeToBlockExpire: seconds(blockLeft),
    });
  }

  /** Drops counters whose window and block are both over, so idle clients cost no memory. */
  sweep(now: number): void {
    for (const [id, counter] of this.counters) {
      if (counter.windowEndsAt <= now && counter.blockEndsAt <= now) this.counters.delete(id);
    }
  }

  get size(): number {
    return this.counters.size;
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}
