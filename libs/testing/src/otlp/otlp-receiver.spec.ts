import { context, SpanKind as ApiSpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver, SpanKind } from './otlp-receiver.js';

// Spans made and encoded by the official SDK packages, then posted to the receiver as an exporter would.
function officialSpans(): ReadableSpan[] {
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'orders' }) });
  const tracer = provider.getTracer('spec-scope');
  const parent = tracer.startSpan('POST /v1/orders', { kind: ApiSpanKind.SERVER });
  const child = tracer.startSpan(
    'orders.rpc publish',
    { kind: ApiSpanKind.PRODUCER, attributes: { 'messaging.system': 'rabbitmq', 'messaging.batch.message_count': 3, ok: true, ratio: 0.5 }, links: [{ context: parent.spanContext() }] },
    trace.setSpan(context.active(), parent),
  );
  child.end();
  parent.end();
  // The SDK's spans are its ReadableSpans once ended: exactly what an exporter is handed.
  return [child, parent] as unknown as ReadableSpan[];
}

describe('OtlpReceiver', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterAll(() => receiver.stop());

  const post = (body: Uint8Array, contentType: string) =>
    fetch(`${receiver.url}/v1/traces`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it.each([
    ['application/x-protobuf', ProtobufTraceSerializer],
    ['application/json', JsonTraceSerializer],
  ])('decodes an official %s export into the same spans, ids and attributes', async (contentType, serializer) => {
    const spans = officialSpans();
    const [child, parent] = spans as [ReadableSpan, ReadableSpan];
    const response = await post(serializer.serializeRequest(spans) as Uint8Array, contentType);
    expect(response.status).toBe(200);

    const received = receiver.trace(parent.spanContext().traceId);
    expect(received).toHaveLength(2);
    expect(received.find((span) => span.name === 'orders.rpc publish')).toEqual(
      expect.objectContaining({
        spanId: child.spanContext().spanId,
        parentSpanId: parent.spanContext().spanId,
        kind: SpanKind.producer,
        service: 'orders',
        scope: 'spec-scope',
        attributes: { 'messaging.system': 'rabbitmq', 'messaging.batch.message_count': 3, ok: true, ratio: 0.5 },
        links: [{ traceId: parent.spanContext().traceId, spanId: parent.spanContext().spanId }],
      }),
    );
    expect(received.find((span) => span.name === 'POST /v1/orders')).toEqual(expect.objectContaining({ kind: SpanKind.server }));
    expect(received.find((span) => span.name === 'POST /v1/orders')?.parentSpanId).toBeUndefined();
    expect(receiver.contentTypes.has(contentType)).toBe(true);
  });

  it('answers 404 to anything but POST /v1/traces', async () => {
    const response = await fetch(`${receiver.url}/v1/metrics`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
  });
});
