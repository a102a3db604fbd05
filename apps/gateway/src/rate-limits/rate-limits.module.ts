import { Module } from '@nestjs/common';
import { GatewayConfig } from '../config.js';
import { rateLimitStorage } from './rate-limits.js';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/** Owns the rate-limit counter store as a provider, so Nest closes its Redis connection on shutdown. */
@Module({
  providers: [{ provide: RATE_LIMIT_STORAGE, inject: [GatewayConfig], useFactory: rateLimitStorage }],
  exports: [RATE_LIMIT_STORAGE],
})
export class RateLimitsModule {}
