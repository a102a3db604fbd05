import { spawnSync } from 'node:child_process';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expositionFormatFor } from './exposition-format.js';
import { ServiceMetrics } from './service-metrics.js';
import { sampledTraceExemplar } from './trace-exemplar.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
/** The value of the sample `name` whose labels include `labels`, in any order. */
const valueOf = (exposition: string, name: string, labels: Record<string, string>): number | undefined => {
  const line = exposition.split('\n').find((candidate) =>
    candidate.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`)));
  return line === undefined ? undefined : Number(line.split(' # ')[0]?.split(' ').pop());
};
const inSpan = <T>(traceFlags: number, fn: () => T): T =>
  context.with(trace.setSpanContext(context.active(), { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags }), fn);

describe('ServiceMetrics expositions', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => {
    context.disable();
  });

  it('puts a sampled span\'s trace id on the bucket its observation landed in, in OpenMetrics only', async () => {
    const metrics = new ServiceMetrics('orders');
    inSpan(TraceFlags.SAMPLED, () => metrics.httpRequestDuration.startTimer(undefined, sampledTraceExemplar())({ method: 'POST', route: '/v1/orders', status_code: '201' }));
    const openMetrics = await metrics.exposition('openmetrics');
    const bucketLines = openMetrics.split('\n').filter((line) => line.startsWith('http_server_request_duration_seconds_bucket{'));
    const withExemplar = bucketLines.filter((line) => line.includes(' # {'));
    expect(withExemplar).toHaveLength(1);
    expect(withExemplar[0]).toMatch(new RegExp(`route="/v1/orders".* # \\{trace_id="${TRACE_ID}",span_id="${SPAN_ID}"\\} [0-9.e-]+ [0-9.]+$`));
    expect(openMetrics.trimEnd().endsWith('# EOF')).toBe(true);
    expect(await metrics.exposition('prometheus')).not.toContain('trace_id');
  });

  it('adds no exemplar for an unsampled span or without any span', async () => {
    const metrics = new ServiceMetrics('orders');
    inSpan(TraceFlags.NONE, () => metrics.messageHandlerDuration.startTimer({ kind: 'rpc', pattern: 'orders.create' }, sampledTraceExemplar())({ outcome: 'success' }));
    metrics.messageHandlerDuration.startTimer({ kind: 'rpc', pattern: 'orders.create' }, sampledTraceExemplar())({ outcome: 'success' });
    const openMetrics = await metrics.exposition('openmetrics');
    expect(valueOf(openMetrics, 'messaging_handler_duration_seconds_count', { kind: 'rpc', pattern: 'orders.create', outcome: 'success', service: 'orders' })).toBe(2);
    expect(openMetrics).not.toContain('trace_id');
  });

  it('keeps counter names in the classic format after an OpenMetrics render, and promtool accepts it', async () => {
    const metrics = new ServiceMetrics('users');
    const before = await metrics.exposition('prometheus');
    const [openMetrics, during] = await Promise.all([metrics.exposition('openmetrics'), metrics.exposition('prometheus')]);
    const after = await metrics.exposition('prometheus');
    expect(openMetrics).toContain('# TYPE process_cpu_user_seconds counter');
    expect(openMetrics).toMatch(/^process_cpu_user_seconds_total\{service="users"\} /m);
    for (const classic of [before, during, after]) {
      expect(classic).toContain('# TYPE process_cpu_user_seconds_total counter');
      expect(classic).not.toContain('# EOF');
    }
    const check = spawnSync('promtool', ['check', 'metrics'], { input: after, encoding: 'utf8' });
    expect({ status: check.status, error: check.error?.message, output: `${check.stdout}${check.stderr}`.trim() }).toEqual({ status: 0, error: undefined, output: '' });
  });

  it('records how old an applied event was, and skips envelopes without a readable occurredAt', async () => {
    const metrics = new ServiceMetrics('notifications');
    metrics.observeEventAge('orders.order.created', new Date(Date.now() - 300).toISOString());
    metrics.observeEventAge('orders.order.created', 'not a date');
    metrics.observeEventAge('orders.order.created', undefined);
    const classic = await metrics.exposition('prometheus');
    const labels = { pattern: 'orders.order.created', service: 'notifications' };
    expect(valueOf(classic, 'messaging_event_age_seconds_count', labels)).toBe(1);
    expect(valueOf(classic, 'messaging_event_age_seconds_bucket', { ...labels, le: '0.25' })).toBe(0);
    expect(valueOf(classic, 'messaging_event_age_seconds_bucket', { ...labels, le: '0.5' })).toBe(1);
  });

  it('leaves a gauge whose read hangs without samples instead of hanging the scrape', async () => {
    const metrics = new ServiceMetrics('orders');
    metrics.gauge('messaging_queue_messages_ready', 'test', ['queue'], () => new Promise(() => undefined));
    const started = Date.now();
    const classic = await metrics.exposition('prometheus');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(classic).toContain('# TYPE messaging_queue_messages_ready gauge');
    expect(classic).not.toMatch(/^messaging_queue_messages_ready\{/m);
  });
});

describe('expositionFormatFor', () => {
  it.each([
    ['application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'openmetrics'],
    ['application/openmetrics-text; version=1.0.0', 'openmetrics'],
    ['text/plain;version=0.0.4;q=1,application/openmetrics-text;q=0.5', 'prometheus'],
    ['application/openmetrics-text;q=0', 'prometheus'],
    ['text/plain', 'prometheus'],
    ['*/*', 'prometheus'],
    [undefined, 'prometheus'],
  ])('Accept %s → %s', (accept, format) => {
    expect(expositionFormatFor(accept)).toBe(format);
  });
});
