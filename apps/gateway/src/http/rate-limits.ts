import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import { isProbe } from '../access/access-policy.js';
import type { GatewayConfig } from '../config.js';

const CREDENTIAL_ROUTE = 'plinth:credential-route';

/** Routes that check a password or a refresh token get a much smaller budget: they are what guessing attacks hit. */
export const CredentialRoute = (): MethodDecorator => SetMetadata(CREDENTIAL_ROUTE, true);

const isCredentialRoute = (context: ExecutionContext): boolean => Reflect.getMetadata(CREDENTIAL_ROUTE, context.getHandler()) === true;

/** Per client address and route, per minute; counters live in this replica's memory. */
export const rateLimitOptions = (config: GatewayConfig): ThrottlerModuleOptions => ({
  throttlers: [
    {
      ttl: 60_000,
      limit: (context) => (isCredentialRoute(context) ? config.AUTH_RATE_LIMIT_PER_MINUTE : config.RATE_LIMIT_PER_MINUTE),
    },
  ],
  // Broadcast event handlers run through the same global guards; only HTTP requests are limited,
  // and never the orchestrator's probes.
  skipIf: (context) => context.getType() !== 'http' || isProbe(context),
  errorMessage: 'Too many requests; retry after the number of seconds in Retry-After.',
});
