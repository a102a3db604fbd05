import type { Redis } from 'ioredis';

/** What a store saw, for the cache's Prometheus counters. */
export interface CacheStoreOutcomes {
  hit(): void;
  miss(): void;
  error(operation: 'get' | 'set' | 'delete', error: unknown): void;
}

/**
 * Keyv's storage contract (get, set with a TTL in ms, delete, clear) on the gateway's own Redis client (ioredis, as for
 * the rate limits), so every lookup's outcome is counted where it happens: Keyv and cache-manager swallow a failed
 * read and treat it as a miss, which would hide an outage from the counters. Failures are rethrown for Keyv to
 * swallow: a read then goes to catalog, a write or eviction is skipped (the TTL bounds what it leaves).
 */
export class RedisCacheStore {
  constructor(
    private readonly redis: Redis,
    private readonly outcomes: CacheStoreOutcomes,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const value = await this.attempt('get', () => this.redis.get(key));
    if (value === null) this.outcomes.miss();
    else this.outcomes.hit();
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.attempt('set', () => (ttlMs ? this.redis.set(key, value, 'PX', ttlMs) : this.redis.set(key, value)));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.attempt('delete', () => this.redis.unlink(key))) > 0;
  }

  /** Part of Keyv's contract; the gateway never clears a shared cache (evictions are per key, from catalog's events). */
  clear(): Promise<void> {
    return Promise.reject(new Error('RedisCacheStore does not clear: evict keys one by one'));
  }

  private async attempt<T>(operation: 'get' | 'set' | 'delete', command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      this.outcomes.error(operation, error);
      throw error;
    }
  }
}
