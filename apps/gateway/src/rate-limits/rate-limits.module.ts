import { Module } from '@nestjs/common';
import { GatewayConfig } from '../config.js';
import { LOGIN_DELAY_STORE, LoginDelays } from './login-delays.js';
import { MemoryLoginDelayStore, type LoginDelayStore } from './login-delay.store.js';
import { rateLimitStorage } from './rate-limits.js';
import { redisConnectionOf } from './redis-connection.js';
import { RedisLoginDelayStore } from './redis-login-delay.store.js';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/** Shared by every replica in Redis when REDIS_URL is set; this replica's memory otherwise (like the counters). */
const loginDelayStore = (config: GatewayConfig): LoginDelayStore => {
  const redis = redisConnectionOf(config);
  return redis ? new RedisLoginDelayStore(redis.url, config.RATE_LIMIT_KEY_PREFIX, redis.tls) : new MemoryLoginDelayStore();
};

/** Owns the rate-limit counter and login-delay stores as providers, so Nest closes their Redis connections on shutdown. */
@Module({
  providers: [
    { provide: RATE_LIMIT_STORAGE, inject: [GatewayConfig], useFactory: rateLimitStorage },
    { provide: LOGIN_DELAY_STORE, inject: [GatewayConfig], useFactory: loginDelayStore },
    LoginDelays,
  ],
  exports: [RATE_LIMIT_STORAGE, LoginDelays],
})
export class RateLimitsModule {}
