import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerRequest } from '@nestjs/throttler';
import { edgeRequestOf, edgeResponseOf } from '../http/edge-request.js';
import { CALLER_WRITES_LIMIT } from './rate-limits.js';

const SUFFIXED_RETRY_AFTER = /^Retry-After-/;
const X_RATE_LIMIT = /^X-RateLimit-(Limit|Remaining|Reset)$/;

/**
 * The throttler's guard with the headers clients and proxies look for: a plain `Retry-After` whichever
 * named limit refused the request (the library appends the limit's name), and the IETF
 * `RateLimit-Limit/Remaining/Reset` fields beside the customary `X-RateLimit-*` ones.
 * Runs first, before authentication: every limit keyed by client address or account.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected appliesTo(limitName: string): boolean {
    return limitName !== CALLER_WRITES_LIMIT;
  }

  // GraphQL root fields are limited like routes: the same counters, keyed by the same client address.
  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, unknown>; res: Record<string, unknown> } {
    return { req: edgeRequestOf<Record<string, unknown>>(context), res: (edgeResponseOf(context) ?? {}) as unknown as Record<string, unknown> };
  }

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    return this.appliesTo(request.throttler.name ?? 'default') ? super.handleRequest(request) : Promise.resolve(true);
  }

  protected override setResponseHeader(response: Record<string, unknown>, name: string, value: string | number): void {
    if (SUFFIXED_RETRY_AFTER.test(name)) return super.setResponseHeader(response, 'Retry-After', value);
    super.setResponseHeader(response, name, value);
    const field = X_RATE_LIMIT.exec(name)?.[1];
    if (field) super.setResponseHeader(response, `RateLimit-${field}`, value);
  }
}

/** Runs after authentication: the per-caller budget on writes, keyed by the verified user id. */
@Injectable()
export class CallerRateLimitGuard extends RateLimitGuard {
  protected override appliesTo(limitName: string): boolean {
    return limitName === CALLER_WRITES_LIMIT;
  }
}
