import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import type { LoginAttemptVerdict, LoginDelayPolicy, LoginDelayStore } from './login-delay.store.js';

// One round trip, atomic across replicas, on Redis' clock (replicas' clocks may disagree). The delay
// rule is delayAfter() in login-delay.store.ts. Returns [allowed 0|1, ms to wait].
const ATTEMPT_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
local nextAllowedAt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if nextAllowedAt > now then return { 0, nextAllowedAt - now } end
failures = failures + 1
local free, base, max, memory = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local delay = 0
if failures > free then delay = math.min(base * 2 ^ math.min(failures - free - 1, 30), max) end
redis.call('HSET', KEYS[1], 'failures', failures, 'next', now + delay)
redis.call('PEXPIRE', KEYS[1], math.max(memory, delay))
return { 1, 0 }
`;

// Restarts the delay of the failures counted so far from now (never shortens it).
const FAILED_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
if failures == 0 then return 0 end
local nextAllowedAt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
local free, base, max, memory = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local delay = 0
if failures > free then delay = math.min(base * 2 ^ math.min(failures - free - 1, 30), max) end
redis.call('HSET', KEYS[1], 'next', math.max(nextAllowedAt, now + delay))
redis.call('PEXPIRE', KEYS[1], math.max(memory, delay))
return 1
`;

/** Login pacing shared by every gateway replica, so an attacker gains nothing by spreading attempts across them. */
export class RedisLoginDelayStore implements LoginDelayStore, OnApplicationShutdown {
  private readonly logger = new Logger(RedisLoginDelayStore.name);
  private readonly redis: Redis;

  constructor(url: string, private readonly keyPrefix: string, tls?: ConnectionOptions) {
    // Fail fast rather than queue, like the rate-limit storage: a login must not hang while Redis is away.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, ...(tls ? { tls } : {}) });
    this.redis.on('error', () => undefined);
  }

  async attempt(account: string, policy: LoginDelayPolicy): Promise<LoginAttemptVerdict> {
    try {
      const [allowed, retryAfterMs] = (await this.redis.eval(
        ATTEMPT_SCRIPT, 1, this.keyOf(account), policy.freeFailures, policy.baseMs, policy.maxMs, policy.memoryMs,
      )) as [number, number];
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs };
    } catch (error) {
      // Fail open like the rate limits: argon2's cost, the per-account lockout's own window and the
      // per-address limits still stand, and a Redis outage must not stop every login.
      this.logger.warn({ err: error }, 'login delay storage unavailable; attempt not paced');
      return { allowed: true };
    }
  }

  async failed(account: string, policy: LoginDelayPolicy): Promise<void> {
    await this.redis.eval(FAILED_SCRIPT, 1, this.keyOf(account), policy.freeFailures, policy.baseMs, policy.maxMs, policy.memoryMs)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not restart the login delay'));
  }

  async succeeded(account: string): Promise<void> {
    await this.redis.del(this.keyOf(account)).catch((error: unknown) => this.logger.warn({ err: error }, 'could not reset login failures'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }

  private keyOf(account: string): string {
    return `${this.keyPrefix}login-delay:${account}`;
  }
}
