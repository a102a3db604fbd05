/** How failed logins of one account slow down its next attempts. */
export interface LoginDelayPolicy {
  /** Failures answered without any delay (typos happen). */
  freeFailures: number;
  /** The delay after the first failure beyond the free ones; it doubles with every further failure. */
  baseMs: number;
  maxMs: number;
  /** Failures are forgotten this long after the last one (and at once after a successful login). */
  memoryMs: number;
}

/** Either the attempt may go ahead (and already counts as a failure), or the account must wait `retryAfterMs`. */
export type LoginAttemptVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Per-account login pacing state. `attempt` is atomic: it refuses while the account's delay runs and
 * otherwise counts the attempt as a failure up front, so parallel attempts cannot all slip through the
 * same opening. `failed` restarts the delay when auth has answered (the check itself takes a while),
 * so the client waits the full delay after its failure; `succeeded` forgets the account's failures.
 */
export interface LoginDelayStore {
  attempt(account: string, policy: LoginDelayPolicy): Promise<LoginAttemptVerdict>;
  failed(account: string, policy: LoginDelayPolicy): Promise<void>;
  succeeded(account: string): Promise<void>;
}

/** The enforced wait after the `failures`-th consecutive failure: 0 for the free ones, then base·2ⁿ up to max. */
export function delayAfter(failures: number, policy: LoginDelayPolicy): number {
  const beyondFree = failures - policy.freeFailures;
  if (beyondFree <= 0) return 0;
  return Math.min(policy.baseMs * 2 ** Math.min(beyondFree - 1, 30), policy.maxMs);
}

interface AccountFailures {
  failures: number;
  nextAllowedAt: number;
  forgetAt: number;
}

/** One replica's memory: right for a single gateway (REDIS_URL unset), as for the other rate limits. */
export class MemoryLoginDelayStore implements LoginDelayStore {
  private readonly accounts = new Map<string, AccountFailures>();

  attempt(account: string, policy: LoginDelayPolicy): Promise<LoginAttemptVerdict> {
    const now = Date.now();
    this.prune(now);
    const state = this.accounts.get(account);
    if (state && state.nextAllowedAt > now) return Promise.resolve({ allowed: false, retryAfterMs: state.nextAllowedAt - now });
    const failures = (state?.failures ?? 0) + 1;
    const delay = delayAfter(failures, policy);
    // Re-inserted so that the map stays in forgetAt order (pruning stops at the first live entry).
    this.accounts.delete(account);
    this.accounts.set(account, { failures, nextAllowedAt: now + delay, forgetAt: now + Math.max(policy.memoryMs, delay) });
    return Promise.resolve({ allowed: true });
  }

  failed(account: string, policy: LoginDelayPolicy): Promise<void> {
    const now = Date.now();
    const state = this.accounts.get(account);
    if (state) {
      const delay = delayAfter(state.failures, policy);
      state.nextAllowedAt = Math.max(state.nextAllowedAt, now + delay);
      state.forgetAt = Math.max(state.forgetAt, now + Math.max(policy.memoryMs, delay));
      // Keep the map in forgetAt order.
      this.accounts.delete(account);
      this.accounts.set(account, state);
    }
    return Promise.resolve();
  }

  succeeded(account: string): Promise<void> {
    this.accounts.delete(account);
    return Promise.resolve();
  }

  private prune(now: number): void {
    for (const [account, { forgetAt }] of this.accounts) {
      if (forgetAt > now) break;
      this.accounts.delete(account);
    }
  }
}
