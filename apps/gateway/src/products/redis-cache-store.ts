import type { Redis } from 'ioredis';

export type CacheOperation = 'get' | 'set' | 'delete';

/**
 * Keyv's storage contract (get, set with a TTL in ms, delete, clear) on the gateway's own Redis client (ioredis, as for
 * the rate limits), so every failed command is counted where it happens: Keyv swallows a failed read and answers
 * "not there", which would hide an outage. Failures are rethrown for Keyv to swallow: a read then goes to catalog, a
 * write or eviction is skipped (the TTL bounds what it leaves).
 */
export class RedisCacheStore {
  constructor(
    private readonly redis: Redis,
    private readonly onError: (operation: CacheOperation, error: unknown) => void,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.attempt('get', () => this.redis.get(key))) ?? undefined;
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

  private async attempt<T>(operation: CacheOperation, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      this.onError(operation, error);
      throw error;
    }
  }
}
