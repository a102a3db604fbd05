import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

const SUFFIXED_RETRY_AFTER = /^Retry-After-/;
const X_RATE_LIMIT = /^X-RateLimit-(Limit|Remaining|Reset)$/;

/**
 * The throttler's guard with the headers clients and proxies look for: a plain `Retry-After` whichever
 * named limit refused the request (the library appends the limit's name), and the IETF
 * `RateLimit-Limit/Remaining/Reset` fields beside the customary `X-RateLimit-*` ones.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override setResponseHeader(response: Record<string, unknown>, name: string, value: string | number): void {
    if (SUFFIXED_RETRY_AFTER.test(name)) return super.setResponseHeader(response, 'Retry-After', value);
    super.setResponseHeader(response, name, value);
    const field = X_RATE_LIMIT.exec(name)?.[1];
    if (field) super.setResponseHeader(response, `RateLimit-${field}`, value);
  }
}
