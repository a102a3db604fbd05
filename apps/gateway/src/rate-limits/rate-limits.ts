import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { isOperationalPath } from '../access/access-policy.js';
import { edgeRequestOf, isEdgeRequest, isMutation, isSubscription } from '../http/edge-request.js';
import type { AuthenticatedCaller } from '../access/authenticated-caller.js';
import type { GatewayConfig } from '../config.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import { redisConnectionOf } from './redis-connection.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

const CREDENTIAL_ROUTE = 'plinth:credential-route';
/** The limit on writes per authenticated caller; applied by CallerRateLimitGuard, after authentication. */
export const CALLER_WRITES_LIMIT = 'caller-writes';
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
const PASSWORD_ROUTE = 'plinth:password-route';

/** Routes that check a password or a refresh token get a much smaller budget: they are what guessing attacks hit. */
export const CredentialRoute = (): MethodDecorator => SetMetadata(CREDENTIAL_ROUTE, true);

/** Routes that check an account's password: also limited per account (the email), whatever the client address. */
export const PasswordRoute = (): MethodDecorator => SetMetadata(PASSWORD_ROUTE, true);

const isCredentialRoute = (context: ExecutionContext): boolean => Reflect.getMetadata(CREDENTIAL_ROUTE, context.getHandler()) === true;
const isPasswordRoute = (context: ExecutionContext): boolean => Reflect.getMetadata(PASSWORD_ROUTE, context.getHandler()) === true;

/**
 * The account a login attempt targets, hashed (no email in the counter store). Any email counts,
 * registered or not, so a lockout reveals nothing about which accounts exist.
 */
export const accountKeyOf = (email: unknown): string =>
  createHash('sha256').update(typeof email === 'string' ? email.trim().toLowerCase() : '').digest('base64url');

const attemptedAccount = (request: Record<string, unknown>): Promise<string> =>
  Promise.resolve(accountKeyOf(((request as unknown as Request).body as { email?: unknown } | undefined)?.email));

const callerOf = (context: ExecutionContext): AuthenticatedCaller | undefined =>
  edgeRequestOf<Request & { user?: AuthenticatedCaller }>(context).user;

// A GraphQL query is POSTed too: there a write is a mutation.
const isWrite = (context: ExecutionContext): boolean =>
  context.getType() === 'http' ? !READ_METHODS.has(edgeRequestOf<Request>(context).method) : isMutation(context);

const isCallerWrite = (context: ExecutionContext): boolean => isWrite(context) && callerOf(context) !== undefined;

/** Counters shared by every replica in Redis when REDIS_URL is set; this replica's memory otherwise. */
export const rateLimitStorage = (config: GatewayConfig): ThrottlerStorage => {
  const redis = redisConnectionOf(config);
  return redis ? new RedisThrottlerStorage(redis.url, config.RATE_LIMIT_KEY_PREFIX, redis.tls) : new MemoryThrottlerStorage();
};

export const rateLimitOptions = (config: GatewayConfig, storage: ThrottlerStorage): ThrottlerModuleOptions => ({
  throttlers: [
    // Per client address and route, per minute.
    {
      name: 'default',
      ttl: 60_000,
      limit: (context) => (isCredentialRoute(context) ? config.AUTH_RATE_LIMIT_PER_MINUTE : config.RATE_LIMIT_PER_MINUTE),
    },
    // Per account, from any number of addresses: past the budget the account's logins are refused
    // (429, same for existing and unknown emails) until the lockout ends.
    {
      name: 'login-account',
      ttl: config.LOGIN_LOCKOUT_SECONDS * 1000,
      limit: config.LOGIN_ATTEMPTS_PER_ACCOUNT,
      blockDuration: config.LOGIN_LOCKOUT_SECONDS * 1000,
      skipIf: (context) => context.getType() !== 'http' || !isPasswordRoute(context),
      getTracker: attemptedAccount,
    },
    // Per verified user and route, on writes: one account cannot flood the services from many addresses.
    {
      name: CALLER_WRITES_LIMIT,
      ttl: 60_000,
      limit: config.WRITE_RATE_LIMIT_PER_MINUTE,
      skipIf: (context) => !isEdgeRequest(context) || !isCallerWrite(context),
      getTracker: (request) => Promise.resolve((request as { user: AuthenticatedCaller }).user.userId),
    },
  ],
  storage,
  // Broadcast event handlers run through the same global guards; only HTTP requests and GraphQL operations
  // are limited (each root field like a route), never the orchestrator's probes. A subscription is one long-lived
  // connection, bounded per user like the SSE streams instead.
  skipIf: (context) => !isEdgeRequest(context) || isSubscription(context) || isOperationalPath(context),
  errorMessage: 'Too many requests; retry after the number of seconds in Retry-After.',
});
