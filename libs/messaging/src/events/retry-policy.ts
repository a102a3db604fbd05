import type { RetryOptions } from '../messaging.options.js';
import { deadLetterQueueOf, retryQueueOf } from '../topology/topology-names.js';
import { ATTEMPT_HEADER } from './event-headers.js';

export type FailureDecision =
  | { action: 'retry'; queue: string; nextAttempt: number }
  | { action: 'dead-letter'; queue: string; attempts: number };

/** The attempt a delivery is on: 1 unless the transport republished it with a higher count. */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[ATTEMPT_HEADER]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/**
 * After attempt n failed: park it in retry queue n (whose TTL is the delay before attempt n + 1; the
 * last queue is reused when attempts outnumber delays), or dead-letter it once maxAttempts are spent.
 */
export function decideOnFailure(service: string, attempt: number, retry: RetryOptions): FailureDecision {
  if (attempt >= retry.maxAttempts) return { action: 'dead-letter', queue: deadLetterQueueOf(service), attempts: attempt };
  const retryQueue = Math.min(attempt, retry.delaysMs.length);
  return { action: 'retry', queue: retryQueueOf(service, retryQueue), nextAttempt: attempt + 1 };
}
