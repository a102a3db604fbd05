import { isSpanContextValid, trace } from '@opentelemetry/api';

/** `trace_id`/`span_id` of the active span for a log line (pino mixin); empty when there is none. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
