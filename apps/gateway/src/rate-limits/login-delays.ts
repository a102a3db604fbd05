import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { ApplicationError, ErrorCodes } from '@plinth/contracts';
import { GatewayConfig } from '../config.js';
import { accountKeyOf } from './rate-limits.js';
import type { LoginDelayPolicy, LoginDelayStore } from './login-delay.store.js';

export const LOGIN_DELAY_STORE = Symbol('LOGIN_DELAY_STORE');

/**
 * Progressive delay per account: after LOGIN_FREE_FAILURES consecutive failed logins, each further
 * failure makes the account wait twice as long before its next attempt is even checked (429 with
 * Retry-After meanwhile), up to LOGIN_DELAY_MAX_SECONDS; a successful login resets it. Accounts are
 * keyed like the lockout (hashed email, registered or not) and every failure looks the same to us
 * (auth answers AUTH.INVALID_CREDENTIALS for unknown emails and wrong passwords alike), so the
 * pacing reveals nothing about which accounts exist. Refused attempts do not extend the delay, so it
 * gives an attacker no way to keep an account out for longer than the per-account lockout already can.
 */
@Injectable()
export class LoginDelays {
  private readonly policy: LoginDelayPolicy;

  constructor(
    @Inject(LOGIN_DELAY_STORE) private readonly store: LoginDelayStore,
    config: GatewayConfig,
  ) {
    this.policy = {
      freeFailures: config.LOGIN_FREE_FAILURES,
      baseMs: config.LOGIN_DELAY_BASE_SECONDS * 1000,
      maxMs: config.LOGIN_DELAY_MAX_SECONDS * 1000,
      memoryMs: config.LOGIN_FAILURE_MEMORY_SECONDS * 1000,
    };
  }

  /** Refuses (429 + Retry-After) while the account must wait; otherwise the attempt counts as a failure until `succeeded`. */
  async beginAttempt(email: string, response: Response): Promise<void> {
    const verdict = await this.store.attempt(accountKeyOf(email), this.policy);
    if (verdict.allowed) return;
    response.setHeader('Retry-After', String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))));
    throw new ApplicationError(ErrorCodes.RATE_LIMITED, 'Too many failed logins for this account; retry after the number of seconds in Retry-After.');
  }

  /** Auth refused the credentials: the account's delay runs from now, not from when the attempt began. */
  failed(email: string): Promise<void> {
    return this.store.failed(accountKeyOf(email), this.policy);
  }

  succeeded(email: string): Promise<void> {
    return this.store.succeeded(accountKeyOf(email));
  }
}
