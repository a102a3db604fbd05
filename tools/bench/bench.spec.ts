import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { parseBenchArgs } from './lib/bench-args.mjs';
// @ts-expect-error plain ESM script without type declarations
import { formatClock, remainingSeconds } from './lib/progress.mjs';
// @ts-expect-error plain ESM script without type declarations
import { buildRows, formatTable, formatValue, median, pairedRatio, verdict } from './lib/report.mjs';
// @ts-expect-error plain ESM script without type declarations
import { compareOrdersWithNotifications } from './lib/system-probes.mjs';

const run = (rps: number, p99: number, extra: Record<string, number> = {}) => ({ rps, p50_ms: p99 / 4, p99_ms: p99, non2xx: 0, errors: 0, timeouts: 0, ...extra });

describe('bench arguments', () => {
  it('runs every measure for 3 rounds of 10 s at 64 connections by default', () => {
    expect(parseBenchArgs([])).toMatchObject({
      only: ['create', 'list', 'rpc', 'sse', 'tracing', 'footprint'], duration: 10, warmup: 2, rounds: 3, connections: 64, users: 50, rpcRequests: 40_000, rpcSequentialRequests: 5_000, quick: false,
    });
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

  it('formats figures in their units', () => {
    expect(formatValue(12345.4, 'req/s')).toBe('12,345 req/s');
    expect(formatValue(0.534, 'ms')).toBe('0.53 ms');
    expect(formatValue(48.26, 'ms')).toBe('48.3 ms');
    expect(formatValue(0.6, 'x')).toBe('0.60×');
    expect(formatValue(undefined, 'ms')).toBe('—');
  });
});

describe('target table', () => {
  const results = {
    create: { plinth: [run(1100, 90), run(1000, 100)], raw: [run(1700, 50), run(1600, 40, { non2xx: 2 })], orm: [run(800, 120), run(820, 110)] },
    rpc: {
      inflight: { inflight: 64, plinth: [run(10000, 12)], raw: [run(12000, 10)] },
      sequential: { inflight: 1, plinth: [{ p50_ms: 0.7 }], raw: [{ p50_ms: 0.5 }] },
    },
    sse: { rate: 500, created_to_stream: { p99_ms: 40 }, request_to_stream: { p99_ms: 120 }, lost: 0, failedRequests: 0 },
    tracing: { on: [run(850, 100)], off: [run(1000, 90)] },
    footprint: { services: { gateway: { rssMb: 120, startToReadyMs: 3500 } }, monolith: { rssMb: 100, startToReadyMs: 1500 } },
    correctness: [{ system: 'Plinth', ...compareOrdersWithNotifications(['a', 'b'], ['a', 'b'], 2) }],
  };
  const rows = buildRows(results);
  const byMeasure = (text: string) => rows.find((row: { measure: string }) => row.measure.includes(text));

  it('has a row per target with Plinth, yardstick, ratio and verdict', () => {
    expect(byMeasure('POST /v1/orders req/s vs raw')).toMatchObject({ plinth: 1050, yardstick: 1650, met: 'yes' });
    expect(byMeasure('POST /v1/orders req/s vs raw').ratio).toBeCloseTo((1100 / 1700 + 1000 / 1600) / 2);
    expect(byMeasure('POST /v1/orders p99')).toMatchObject({ met: 'NO' }); // 90/50 and 100/40 → median 2.15×
    expect(byMeasure('errors + non-2xx')).toMatchObject({ plinth: 0, yardstick: 2, met: 'yes' });
    expect(byMeasure('vs ORM monolith')).toMatchObject({ met: '—' });
    expect(byMeasure('RPC req/s')).toMatchObject({ met: 'NO' });
    expect(byMeasure('RPC sequential p50')).toMatchObject({ plinth: 0.7, met: 'yes' });
    expect(byMeasure('order created → SSE')).toMatchObject({ met: 'yes' });
    expect(byMeasure('request → SSE')).toMatchObject({ met: 'NO' });
    expect(byMeasure('tracing on vs off')).toMatchObject({ ratio: 0.85, met: 'yes' });
    expect(byMeasure('gateway idle RSS')).toMatchObject({ plinth: 120, yardstick: 100, met: 'yes' });
    expect(byMeasure('gateway start → ready')).toMatchObject({ plinth: 3.5, yardstick: 1.5, met: 'NO' });
    expect(byMeasure('without exactly one notification')).toMatchObject({ plinth: 0, met: 'yes' });
    expect(rows.some((row: { group: string }) => row.group === 'list')).toBe(false);
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
