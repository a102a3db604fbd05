import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

// W3C trace context across the outbox: captured when the row is written (inside the request's span), restored
// when the relay publishes it much later, so the producer span joins the request's trace. Without an SDK
// registered (telemetry off) the API is a no-op: nothing is captured and nothing is stored.

/** `traceparent`/`tracestate` of the active span, or `{}`. */
export function activeTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `work` inside the context the headers carry (the instrumented publish becomes its child). */
export function withTraceHeaders<T>(headers: Record<string, string>, work: () => T): T {
  return context.with(propagation.extract(ROOT_CONTEXT, headers), work);
}
