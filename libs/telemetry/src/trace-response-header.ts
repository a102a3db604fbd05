import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSpanContextValid, trace } from '@opentelemetry/api';

/** W3C Trace Context Level 2 response header: tells a client (or an SRE with curl) which trace its request is. */
export const TRACE_RESPONSE_HEADER = 'traceresponse';

/** Express-style middleware: answers with `traceresponse: 00-<trace id>-<span id>-<flags>` when the request is traced. */
export function traceResponseHeader(_request: IncomingMessage, response: ServerResponse, next: () => void): void {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext && isSpanContextValid(spanContext)) {
    const flags = spanContext.traceFlags.toString(16).padStart(2, '0');
    response.setHeader(TRACE_RESPONSE_HEADER, `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`);
  }
  next();
}
