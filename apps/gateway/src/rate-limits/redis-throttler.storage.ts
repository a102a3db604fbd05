import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

// One round trip, atomic across replicas: count the hit in a fixed window, start a block when the
// limit is passed. Returns [hits, window ms left, block ms left].
const INCREMENT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local windowLeft = redis.call('PTTL', KEYS[1])
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blockLeft = tonumber(ARGV[3])
end
if blockLeft < 0 then blockLeft = 0 end
return { hits, windowLeft, blockLeft }
`;

const CONNECT_WAIT_MS = 5_000;

const seconds = (ms: number): number => Math.ceil(ms / 1000);

/**
 * Rate-limit counters in Redis, so every gateway replica counts against the same budget
 * (in-memory counters would multiply each limit by the replica count).
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly redis: Redis;

  constructor(url: string, private readonly keyPrefix: string, tls?: ConnectionOptions) {
    // Fail fast rather than queue: a rate-limit check must not hang a request while Redis is away.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, ...(tls ? { tls } : {}) });
    this.redis.on('error', () => undefined);
  }

  /** Waits (boundedly) for the first connection, so the first requests after start are counted too. */
  async onModuleInit(): Promise<void> {
    if (this.isReady()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CONNECT_WAIT_MS);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (!this.isReady()) this.logger.warn(`rate-limit storage not reachable after ${CONNECT_WAIT_MS} ms; failing open until it is`);
  }

  // A method, not an inline comparison: TypeScript narrows `status` after the early return above.
  private isReady(): boolean {
    return this.redis.status === 'ready';
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.keyPrefix}${throttlerName}:${key}`;
    let reply: [number, number, number];
    try {
      reply = (await this.redis.eval(INCREMENT_SCRIPT, 2, `${base}:hits`, `${base}:block`, ttl, limit, blockDuration)) as [number, number, number];
    } catch (error) {
      // Fail open: rate limits are one defence among several (argon2 cost, lockouts' own windows,
      // the ingress), and a Redis outage must not take the whole API down with it.
      this.logger.warn({ err: error }, 'rate-limit storage unavailable; request not counted');
      return { totalHits: 0, timeToExpire: seconds(ttl), isBlocked: false, timeToBlockExpire: 0 };
    }
    const [hits, windowLeft, blockLeft] = reply;
    return { totalHits: hits, timeToExpire: seconds(windowLeft), isBlocked: blockLeft > 0, timeToBlockExpire: seconds(blockLeft) };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
