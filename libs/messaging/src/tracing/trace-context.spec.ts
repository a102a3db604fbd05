import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeTraceHeaders, withTraceHeaders } from './trace-context.js';

const request = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };

describe('trace context across the outbox', () => {
  beforeAll(() => {
    // What the telemetry preload registers in a service (the SDK's defaults).
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    propagation.disable();
    context.disable();
  });

  it('captures the active span as a W3C traceparent', () => {
    const headers = context.with(trace.setSpanContext(ROOT_CONTEXT, request), activeTraceHeaders);
    expect(headers).toEqual({ traceparent: `00-${request.traceId}-${request.spanId}-01` });
  });

  it('captures nothing outside a trace', () => {
    expect(activeTraceHeaders()).toEqual({});
  });

  it('restores the stored context around the publish, whatever context the relay runs in', () => {
    const unrelated = trace.setSpanContext(ROOT_CONTEXT, { ...request, traceId: 'f'.repeat(32), spanId: 'e'.repeat(16) });
    const stored = { traceparent: `00-${request.traceId}-${request.spanId}-01` };
    const seen = context.with(unrelated, () => withTraceHeaders(stored, () => trace.getSpanContext(context.active())));
    expect(seen).toEqual({ ...request, isRemote: true });
  });
});
