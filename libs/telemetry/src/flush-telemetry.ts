import { trace } from '@opentelemetry/api';

interface Flushable {
  forceFlush(): Promise<void>;
}

/**
 * Exports the spans still batched in memory; a no-op when telemetry is off. Services call it as the last step
 * of their graceful shutdown (they end with process.exit, which would drop the batch).
 */
export async function flushTelemetry(timeoutMs = 2_000): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const delegate = provider.getDelegate?.() as Partial<Flushable> | undefined;
  if (typeof delegate?.forceFlush !== 'function') return;
  await Promise.race([delegate.forceFlush().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
}
