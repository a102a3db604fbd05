import { trace, TraceFlags } from '@opentelemetry/api';

/** `trace_id` and `span_id` (prom-client types exemplar labels as a plain label record). */
export type TraceExemplar = Record<string, string>;

/**
 * OpenMetrics exemplar labels linking an observation to the active span, only when that span is sampled (an
 * unsampled trace is never exported, so a link to it would lead nowhere). Without tracing there is no active span:
 * one context lookup, no allocation.
 */
export function sampledTraceExemplar(): TraceExemplar | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || (context.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return { trace_id: context.traceId, span_id: context.spanId };
}
