import { context, SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { parseBenchArgs } from './lib/bench-args.mjs';
// @ts-expect-error plain ESM script without type declarations
import { keepAliveClient, latencyStats, percentile, runOpenLoop, scheduledAt, scheduledCount } from './lib/open-loop.mjs';
// @ts-expect-error plain ESM script without type declarations
import { openStream } from './lib/notification-latency.mjs';
// @ts-expect-error plain ESM script without type declarations
import { countJsonSpans, countProtobufSpans, startSpanCounter } from './lib/otlp-span-counter.mjs';
// @ts-expect-error plain ESM script without type declarations
import { cpuBetween, cpuPerOperation, parseProcessTimes, readProcessTimes } from './lib/process-cpu.mjs';
// @ts-expect-error plain ESM script without type declarations
import { formatClock, remainingSeconds } from './lib/progress.mjs';
// @ts-expect-error plain ESM script without type declarations
import { buildRows, formatTable, formatValue, median, pairedRatio, TARGETS, verdict } from './lib/report.mjs';
// @ts-expect-error plain ESM script without type declarations
import { compareOrdersWithNotifications, idleSettled } from './lib/system-probes.mjs';

const run = (rps: number, p99: number, extra: Record<string, number> = {}) => ({ rps, p50_ms: p99 / 4, p99_ms: p99, non2xx: 0, errors: 0, timeouts: 0, ...extra });

describe('bench arguments', () => {
  it('runs every measure for 3 rounds of 10 s at 64 connections by default', () => {
    expect(parseBenchArgs([])).toMatchObject({
      only: ['create', 'openloop', 'list', 'products', 'rpc', 'tracing', 'footprint', 'graphql'], duration: 10, warmup: 2, rounds: 3, connections: 64, users: 50, rpcRequests: 40_000, rpcSequentialRequests: 5_000, quick: false,
      rate: undefined, streams: 10, sharedBroker: false,
    });
  });

  it('takes a fixed open-loop rate, the stream count and the shared broker; "sse" still names the open-loop measure', () => {
    expect(parseBenchArgs(['--rate', '150', '--streams', '4', '--shared-broker'])).toMatchObject({ rate: 150, streams: 4, sharedBroker: true });
    expect(parseBenchArgs(['--only', 'sse,create']).only).toEqual(['create', 'openloop']);
    expect(() => parseBenchArgs(['--rate', '0'])).toThrow(/--rate must be a positive number/);
  });

  it('--quick shortens everything, explicit options still win', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ duration: 3, warmup: 1, rounds: 1, users: 10, rpcRequests: 3_000 });
    expect(parseBenchArgs(['--quick', '--rounds', '2', '--duration', '5'])).toMatchObject({ rounds: 2, duration: 5, rpcRequests: 5_000 });
  });

  it('--only keeps the canonical order and refuses unknown measures', () => {
    expect(parseBenchArgs(['--only', 'rpc, create']).only).toEqual(['create', 'rpc']);
    expect(() => parseBenchArgs(['--only', 'create,speed'])).toThrow(/unknown measure\(s\) speed/);
  });

  it('refuses numbers that make no sense and unknown flags', () => {
    expect(() => parseBenchArgs(['--duration', '0'])).toThrow(/--duration must be a positive number/);
    expect(() => parseBenchArgs(['--rounds', '1.5'])).toThrow(/--rounds must be a positive integer/);
    expect(() => parseBenchArgs(['--warmup=-1'])).toThrow(/--warmup must be a number >= 0/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/Unknown option '--fast'/);
  });
});

describe('ratios and verdicts', () => {
  it('takes the median of the per-round ratios, so one slow round of the machine does not decide', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeUndefined();
    // rounds where both sides slowed down together still give the same ratio
    expect(pairedRatio([600, 300, 580], [1000, 500, 1000])).toBeCloseTo(0.6);
    expect(pairedRatio([100], [0])).toBeUndefined();
  });

  it('judges a ratio or Plinth\'s own figure against an at-least or at-most bound', () => {
    expect(verdict({ ratio: 0.61, target: { on: 'ratio', atLeast: 0.6 } })).toBe('yes');
    expect(verdict({ ratio: 0.59, target: { on: 'ratio', atLeast: 0.6 } })).toBe('NO');
    expect(verdict({ plinth: 1.2, target: { on: 'value', atMost: 1 } })).toBe('NO');
    expect(verdict({ plinth: 0, target: { on: 'value', atMost: 0 } })).toBe('yes');
    expect(verdict({ ratio: undefined, target: { on: 'ratio', atLeast: 0.9 } })).toBe('n/a');
    expect(verdict({ ratio: 2 })).toBe('—');
  });

  it('judges the product cache by its paired speed-up over no cache and its hit ratio', () => {
    const run = (rps: number) => ({ rps, p99_ms: 5, non2xx: 0, errors: 0, timeouts: 0 });
    const rows = buildRows({ products: { cached: [run(3000), run(3300)], uncached: [run(1000), run(1000)], hitRatio: 0.97 } });
    expect(rows.filter((row) => row.group === 'products').map((row) => [row.measure, row.met])).toEqual([
      ['GET /v1/products/{sku} req/s, cache vs none', 'yes'],
      ['GET /v1/products/{sku} p99, cache vs none', '—'],
      ['product cache hit ratio under that load', 'yes'],
      ['GET /v1/products/{sku} errors + non-2xx (all rounds)', 'yes'],
    ]);
    const missed = buildRows({ products: { cached: [run(2000)], uncached: [run(1000)], hitRatio: 0.9 } });
    expect(missed.filter((row) => row.group === 'products').map((row) => row.met)).toEqual(['NO', '—', 'NO', 'yes']);
  });

  it('formats figures in their units', () => {
    expect(formatValue(12345.4, 'req/s')).toBe('12,345 req/s');
    expect(formatValue(0.534, 'ms')).toBe('0.53 ms');
    expect(formatValue(48.26, 'ms')).toBe('48.3 ms');
    expect(formatValue(0.6, 'x')).toBe('0.60×');
    expect(formatValue(undefined, 'ms')).toBe('—');
  });
});

describe('open-loop schedule and percentiles', () => {
  it('schedules request i at i/rate seconds, whatever the answers do', () => {
    expect(scheduledAt(0, 200)).toBe(0);
    expect(scheduledAt(3, 200)).toBe(15);
    expect(scheduledAt(150, 150)).toBe(1000);
    expect(scheduledCount(150, 10)).toBe(1500);
    expect(scheduledCount(0.2, 1)).toBe(1);
  });

  it('takes nearest-rank percentiles of sorted samples', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(latencyStats([5, 1, 3, 2, 4])).toEqual({ p50_ms: 3, p90_ms: 5, p99_ms: 5, max_ms: 5, count: 5 });
  });

  // A server that answers one request at a time, 25 ms each, offered 200 requests/s: a closed-loop client
  // would report ~25 ms; measured from the scheduled send times the queue shows.
  it('measures latency from the scheduled send time, so a server falling behind shows its queue', async () => {
    let busyUntil = 0;
    const server = createServer((request, response) => {
      request.resume();
      const start = Math.max(Date.now(), busyUntil);
      busyUntil = start + 25;
      setTimeout(() => response.writeHead(201).end('{}'), busyUntil - Date.now());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = keepAliveClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const result = await runOpenLoop({ client, rate: 200, seconds: 0.1, requestOf: () => ({ method: 'POST', path: '/', headers: {}, body: '{}' }) });
      expect(result).toMatchObject({ sent: 20, ok: 20, failed: 0 });
      // The 20th request was due at 95 ms and served after the 19 before it: ~500 ms, not 25.
      expect(result.max_ms).toBeGreaterThan(300);
      expect(result.p50_ms).toBeGreaterThan(100);
      expect(result.achievedRate).toBeLessThan(100);
    } finally {
      client.close();
      server.close();
    }
  });
});

describe('notification stream reader', () => {
  it('reports order.created and status changes to confirmed, with their order, and nothing else', async () => {
    const frame = (notification: object) => `id: 1\nevent: notification\ndata: ${JSON.stringify({ createdAt: new Date().toISOString(), ...notification })}\n\n`;
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': heartbeat\n\n');
      response.write(frame({ type: 'user.registered', data: null }));
      response.write(frame({ type: 'order.created', data: { orderId: 'o-1' } }));
      response.write(frame({ type: 'order.status-changed', data: { orderId: 'o-1', from: 'pending', to: 'rejected' } }));
      response.write(frame({ type: 'order.status-changed', data: { orderId: 'o-2', from: 'pending', to: 'confirmed' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const seen: [string, string][] = [];
    const close = await openStream(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token', (orderId: string, _at: number, _ms: number, kind: string) => seen.push([orderId, kind]));
    try {
      await vi.waitFor(() => expect(seen).toEqual([['o-1', 'created'], ['o-2', 'confirmed']]));
    } finally {
      close();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('idle footprint', () => {
  const series = (...totals: number[]) => totals.map((totalMb, i) => ({ atMs: i * 5000, totalMb }));
  it('waits for V8 to release the start-up heap, then for 15 s without change', () => {
    expect(idleSettled(series(880, 881, 880))).toBe(false); // no drop yet: still the start-up heap
    expect(idleSettled(series(880, 881, 640, 641))).toBe(false); // dropped 10 s ago only
    expect(idleSettled(series(880, 881, 640, 641, 640, 642))).toBe(true);
    expect(idleSettled(series(880, 700, 640, 600, 560))).toBe(false); // still falling
    expect(idleSettled(series(880))).toBe(false);
  });
});

describe('CPU per process from /proc', () => {
  it('reads utime + stime after the command name, whatever it contains, and the context switches', () => {
    const stat = '4242 (node (gateway) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1500 250 0 0 20 0 11 0 100 0 0';
    const status = 'Name:\tnode\nvoluntary_ctxt_switches:\t900\nnonvoluntary_ctxt_switches:\t12\n';
    expect(parseProcessTimes(stat, status)).toEqual({ ticks: 1750, voluntarySwitches: 900, involuntarySwitches: 12 });
    expect(readProcessTimes(process.pid)?.ticks).toBeGreaterThanOrEqual(0);
    expect(readProcessTimes(2 ** 22 + 1)).toBeUndefined();
  });

  it('charges each group the time between snapshots, counts processes that started inside the window, reports those that left', () => {
    const times = (ticks: number, voluntarySwitches = 0) => ({ ticks, voluntarySwitches, involuntarySwitches: 0 });
    const before = { gateway: { 10: times(100, 5) }, 'orders db': { 20: times(50), 21: times(10) } };
    const after = { gateway: { 10: times(160, 25) }, 'orders db': { 20: times(70), 22: times(5) } };
    expect(cpuBetween(before, after, 100)).toEqual({
      gateway: { cpuMs: 600, voluntarySwitches: 20, involuntarySwitches: 0, processes: 1, vanished: 0 },
      'orders db': { cpuMs: 250, voluntarySwitches: 0, involuntarySwitches: 0, processes: 2, vanished: 1 },
    });
    expect(cpuPerOperation({ gateway: { cpuMs: 600 }, 'orders db': { cpuMs: 250 } }, 100)).toEqual({ perGroup: { gateway: 6, 'orders db': 2.5 }, totalMs: 8.5, count: 100 });
    expect(cpuPerOperation({ gateway: { cpuMs: 600 } }, 0).totalMs).toBeUndefined();
  });
});

describe('OTLP span counter', () => {
  // Spans of two scopes made and encoded by the official SDK packages, as an exporter sends them.
  const officialSpans = (): ReadableSpan[] => {
    const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'orders' }) });
    const server = provider.getTracer('http').startSpan('POST /v1/orders', { kind: SpanKind.SERVER, attributes: { 'http.route': '/v1/orders', retries: 2, ok: true } });
    const within = trace.setSpan(context.active(), server);
    const publish = provider.getTracer('amqplib').startSpan('orders.rpc publish', { kind: SpanKind.PRODUCER, links: [{ context: server.spanContext() }] }, within);
    const query = provider.getTracer('amqplib').startSpan('insert orders', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', rows: 1.5 } }, within);
    for (const span of [query, publish, server]) span.end();
    return [query, publish, server] as unknown as ReadableSpan[];
  };

  it('counts the spans of an export request without decoding them, in protobuf and in JSON', () => {
    expect(countProtobufSpans(ProtobufTraceSerializer.serializeRequest(officialSpans()))).toBe(3);
    expect(countJsonSpans(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(officialSpans())))).toBe(3);
    expect(countProtobufSpans(new Uint8Array())).toBe(0);
    expect(() => countProtobufSpans(new Uint8Array([0x0a, 0x05, 0x12]))).toThrow();
  });

  it('answers exporters over HTTP and keeps the running count', async () => {
    const counter = await startSpanCounter();
    try {
      const post = (body: Uint8Array, contentType: string) => fetch(`${counter.url}/v1/traces`, { method: 'POST', headers: { 'content-type': contentType }, body });
      expect((await post(ProtobufTraceSerializer.serializeRequest(officialSpans()) as Uint8Array, 'application/x-protobuf')).status).toBe(200);
      expect((await post(JsonTraceSerializer.serializeRequest(officialSpans()) as Uint8Array, 'application/json')).status).toBe(200);
      expect((await post(new Uint8Array([0x0a, 0x7f]), 'application/x-protobuf')).status).toBe(400);
      expect(counter.spans).toBe(6);
    } finally {
      await counter.stop();
    }
  });
});

describe('target table', () => {
  const cpu = (totalMs: number, perGroup: Record<string, number> = {}) => ({ totalMs, perGroup, count: 1000 });
  const openLoopRun = (p50: number, p99: number) => ({ post: { p50_ms: p50, p90_ms: p50 * 2, p99_ms: p99, achievedRate: 149, failed: 0 } });
  const results = {
    create: {
      plinth: [run(1100, 90, { cpu: cpu(2.8, { gateway: 1, orders: 1.8 }) } as never), run(1000, 100, { cpu: cpu(3.2, { gateway: 1.2, orders: 2 }) } as never)],
      raw: [run(1700, 50, { cpu: cpu(0.7) } as never), run(1600, 40, { non2xx: 2, cpu: cpu(0.8) } as never)],
      orm: [run(800, 120), run(820, 110)],
    },
    openloop: {
      rate: 150,
      plinth: [
        { ...openLoopRun(8, 35), sse: { created_to_stream: { p50_ms: 10, p99_ms: 45 }, request_to_stream: { p99_ms: 80 }, lost: 0 }, cpu: { totalMs: 3.5 } },
        { ...openLoopRun(12, 45), sse: { created_to_stream: { p50_ms: 12, p99_ms: 60 }, request_to_stream: { p99_ms: 95 }, lost: 1 }, cpu: { totalMs: 3.7 } },
      ],
      raw: [openLoopRun(2, 6), openLoopRun(3, 9)],
    },
    rpc: {
      inflight: { inflight: 64, plinth: [run(10000, 12)], raw: [run(12000, 10)] },
      sequential: { inflight: 1, plinth: [{ p50_ms: 0.7 }], raw: [{ p50_ms: 0.5 }] },
    },
    tracing: { on: [run(850, 100)], off: [run(1000, 90)] },
    footprint: { settled: true, idleSeconds: 115, services: { gateway: { rssMb: 120, rssAtStartMb: 190, startToReadyMs: 3500 }, orders: { rssMb: 160, rssAtStartMb: 170, startToReadyMs: 2000 } }, monolith: { rssMb: 100, rssAtStartMb: 160, startToReadyMs: 1500 } },
    correctness: [{ system: 'Plinth', ...compareOrdersWithNotifications(['a', 'b'], ['a', 'b'], 2) }],
  };
  const rows = buildRows(results);
  const byMeasure = (text: string) => rows.find((row: { measure: string }) => row.measure.includes(text));

  it('has a row per target with Plinth, yardstick, ratio and verdict', () => {
    expect(rows[0]).toMatchObject({ measure: expect.stringMatching(/^CPU per created order, all processes/), plinth: 3, yardstick: 0.75, met: 'yes' });
    expect(byMeasure('CPU per order: gateway')).toMatchObject({ plinth: 1.1, met: '—' });
    expect(byMeasure('CPU per order: orders')).toMatchObject({ plinth: 1.9 });
    expect(byMeasure('POST /v1/orders req/s vs raw')).toMatchObject({ plinth: 1050, yardstick: 1650, met: 'yes' });
    expect(byMeasure('POST /v1/orders req/s vs raw').ratio).toBeCloseTo((1100 / 1700 + 1000 / 1600) / 2);
    expect(byMeasure('POST /v1/orders p99')).toMatchObject({ met: 'yes' }); // 90/50 and 100/40 → median 2.15×, target ≤ 3×
    expect(byMeasure('open loop at 150/s: p50')).toMatchObject({ plinth: 10, yardstick: 2.5, met: 'yes' });
    expect(byMeasure('open loop at 150/s: p99')).toMatchObject({ plinth: 40, yardstick: 7.5, met: 'yes' });
    expect(byMeasure('open loop at 150/s: achieved rate')).toMatchObject({ plinth: 149, met: '—' });
    expect(byMeasure('order created → notification on SSE at 150/s: p99')).toMatchObject({ plinth: 52.5, met: 'NO' });
    expect(byMeasure('notifications lost on SSE')).toMatchObject({ plinth: 1, met: 'NO' });
    expect(byMeasure('CPU per created order at 150/s')).toMatchObject({ plinth: 3.6 });
    expect(byMeasure('errors + non-2xx')).toMatchObject({ plinth: 0, yardstick: 2, met: 'yes' });
    expect(byMeasure('vs ORM monolith')).toMatchObject({ met: '—' });
    expect(byMeasure('RPC req/s')).toMatchObject({ met: 'NO' });
    expect(byMeasure('RPC sequential p50')).toMatchObject({ plinth: 0.7, met: 'yes' });
    expect(byMeasure('tracing on vs off')).toMatchObject({ ratio: 0.85, met: 'yes' });
    expect(byMeasure('gateway idle RSS')).toMatchObject({ plinth: 120, yardstick: 100, met: 'yes' });
    expect(byMeasure('orders idle RSS')).toMatchObject({ plinth: 160, met: 'NO' });
    expect(byMeasure('gateway start → ready')).toMatchObject({ plinth: 3.5, yardstick: 1.5, met: 'NO' });
    expect(byMeasure('idle RSS, all 2 services (settled after 115 s idle)')).toMatchObject({ plinth: 280, met: 'yes' });
    expect(byMeasure('idle RSS, all 2 services, right after start')).toMatchObject({ plinth: 360, yardstick: 160, met: '—' });
    expect(byMeasure('without exactly one notification')).toMatchObject({ plinth: 0, met: 'yes' });
    expect(rows.some((row: { group: string }) => row.group === 'list')).toBe(false);
  });

  it('judges every target of issue 13 with its bound', () => {
    expect(TARGETS).toMatchObject({ cpuPerOrderMs: 3, createVsRaw: 0.4, createP99VsRaw: 3, openLoopP50Ms: 10, openLoopP99Ms: 40, createdToSseP99Ms: 50, listVsRaw: 0.7, tracingOnVsOff: 0.85, serviceRssMb: 150, rpcVsRaw: 0.95, rpcP99VsRaw: 1.2 });
    expect(TARGETS.stackRssMb).toBeCloseTo(819.2);
    const judged = rows.filter((row: { met: string }) => row.met === 'yes' || row.met === 'NO').map((row: { target: { atLeast?: number; atMost?: number } }) => row.target.atLeast ?? row.target.atMost);
    for (const bound of [3, 0.4, 10, 40, 50, 0.85, 150, 0.95, 1.2]) expect(judged).toContain(bound);
  });

  it('prints aligned columns for the terminal and a Markdown table for the README', () => {
    const text = formatTable(rows).split('\n');
    expect(text[0]).toMatch(/^measure\s+Plinth\s+yardstick\s+ratio\s+target\s+met\?$/);
    const targetColumn = text[0].indexOf('target');
    expect(text.slice(2).every((line: string) => line.length > targetColumn)).toBe(true);
    expect(text.find((line: string) => line.startsWith('RPC sequential p50'))).toMatch(/0\.70 ms\s+0\.50 ms\s+1\.40×\s+≤ 1\.00 ms\s+yes$/);
    const markdown = formatTable(rows, { markdown: true }).split('\n');
    expect(markdown[0]).toBe('| measure | Plinth | yardstick | ratio | target | met? |');
    expect(markdown[1]).toBe('| --- | --- | --- | --- | --- | --- |');
    expect(markdown).toHaveLength(rows.length + 2);
  });
});

describe('order ↔ notification check', () => {
  it('counts orders without, or with more than one, notification, strays and 201s missing from the table', () => {
    expect(compareOrdersWithNotifications(['a', 'b', 'c'], ['a', 'b', 'b', 'x'], 4)).toEqual({
      acknowledged: 4, ordersInDb: 3, notifications: 4, withoutNotification: 1, duplicated: 1, notificationsWithoutOrder: 1, lostOrders: 1, mismatched: 4,
    });
    expect(compareOrdersWithNotifications(['a'], ['a'], 1).mismatched).toBe(0);
  });
});

describe('progress', () => {
  it('estimates what is left from the plan and the current step', () => {
    const plan = [{ key: 'a', seconds: 10 }, { key: 'b', seconds: 20 }, { key: 'c', seconds: 5 }];
    expect(remainingSeconds(plan, new Set(['a']), 'b', 5)).toBe(20);
    expect(remainingSeconds(plan, new Set(['a']), 'b', 50)).toBe(5);
    expect(formatClock(125)).toBe('02:05');
  });
});

// Real broker, real processes: the smallest end-to-end run of the command (about 20-40 s on 2 busy cores).
describe('bench.mjs --quick --only rpc', () => {
  const root = join(import.meta.dirname, '..', '..');
  const built = existsSync(join(root, 'libs', 'messaging', 'dist', 'index.js')) && existsSync(join(root, 'libs', 'testing', 'dist', 'index.js'));

  it.runIf(built)('measures Plinth RPC and raw amqplib on a throwaway vhost and prints the RPC rows', async () => {
    const { stdout } = await promisify(execFile)(join(root, 'node_modules', '.bin', 'node'), ['tools/bench/bench.mjs', '--quick', '--only', 'rpc', '--rpc-requests', '1000'], { cwd: root, timeout: 120_000 });
    expect(stdout).toMatch(/RPC req\/s at 64 in flight vs raw amqplib\s+[\d,]+ req\/s\s+[\d,]+ req\/s\s+\d+\.\d\d×/);
    expect(stdout).toMatch(/RPC sequential p50\s+\d+\.\d\d ms/);
    const file = /raw results: (\S+)/.exec(stdout)?.[1] ?? '';
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved.rpc.inflight.plinth[0]).toMatchObject({ kind: 'plinth-messaging-rpc', requests: 1000, inflight: 64, errors: 0 });
      expect(saved.rpc.inflight.raw[0]).toMatchObject({ kind: 'raw-amqplib-direct-reply-to', requests: 1000 });
      expect(saved.rpc.sequential.plinth[0]).toMatchObject({ inflight: 1 });
      expect(saved.machine).toMatchObject({ cpus: expect.any(Number), node: expect.stringMatching(/^v24\./) });
    } finally {
      rmSync(file, { force: true });
    }
  }, 150_000);
});
