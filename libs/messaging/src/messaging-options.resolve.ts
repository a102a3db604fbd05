import { DEFAULT_RETRY, type MessagingOptions, type ResolvedMessagingOptions } from './messaging.options.js';
import { defaultTopology } from './topology/topology.js';

/** Fills defaults and refuses settings that would silently break retry/DLQ behaviour. */
export function resolveMessagingOptions(options: MessagingOptions): ResolvedMessagingOptions {
  const retry = options.retry ?? DEFAULT_RETRY;
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) {
    throw new Error(`messaging: retry.maxAttempts must be an integer >= 1 (got ${retry.maxAttempts})`);
  }
  if (retry.delaysMs.length === 0 || retry.delaysMs.some((delay) => !Number.isInteger(delay) || delay < 1)) {
    throw new Error(`messaging: retry.delaysMs must be positive integers (got ${JSON.stringify(retry.delaysMs)})`);
  }
  return Object.freeze({
    serviceName: options.serviceName,
    url: options.url,
    rpcTimeoutMs: options.rpcTimeoutMs ?? 5000,
    prefetch: options.prefetch ?? 32,
    retry: { maxAttempts: retry.maxAttempts, delaysMs: [...retry.delaysMs] },
    topology: options.topology ?? defaultTopology(),
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
    confirmTimeoutMs: options.confirmTimeoutMs ?? 10_000,
    heartbeatSeconds: options.heartbeatSeconds ?? 10,
    tls: options.tls ?? null,
    declare: options.declare ?? 'all',
    connectionName: options.connectionName ?? `${options.serviceName}@${process.pid}`,
  });
}
