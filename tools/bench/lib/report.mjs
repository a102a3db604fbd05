// Turns the raw results of a bench run into the target table of issue 13: one row per target, with
// Plinth's figure, the yardstick's, their ratio, the target and whether it is met. Pure: no I/O.

export const median = (values) => {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Ratio of two series measured in alternating rounds: the median of the per-round ratios, so a
 * machine that drifts between rounds (shared cores) moves both sides of each pair together.
 */
export function pairedRatio(plinth, yardstick) {
  const ratios = [];
  for (let i = 0; i < Math.min(plinth.length, yardstick.length); i++) {
    if (Number.isFinite(plinth[i]) && Number.isFinite(yardstick[i]) && yardstick[i] > 0) ratios.push(plinth[i] / yardstick[i]);
  }
  return median(ratios);
}

/**
 * Whether a figure meets its target. Targets: { atLeast } / { atMost } on the ratio column
 * (`on: 'ratio'`) or on Plinth's own figure (`on: 'value'`); no target = reference row.
 */
export function verdict(row) {
  if (!row.target) return '—';
  const subject = row.target.on === 'ratio' ? row.ratio : row.plinth;
  if (subject === undefined || subject === null || Number.isNaN(subject)) return 'n/a';
  if (row.target.atLeast !== undefined) return subject >= row.target.atLeast ? 'yes' : 'NO';
  return subject <= row.target.atMost ? 'yes' : 'NO';
}

const withThousands = (value) => String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Renders a figure in its unit; undefined (not measured) becomes '—'. */
export function formatValue(value, unit) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  switch (unit) {
    case 'req/s':
      return `${withThousands(value)} req/s`;
    case 'ms':
      return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
    case 's':
      return `${value.toFixed(2)} s`;
    case 'MB':
      return `${value.toFixed(0)} MB`;
    case 'x':
      return `${value.toFixed(2)}×`;
    default:
      return String(value);
  }
}

export function formatTarget(target) {
  if (!target) return '(reference)';
  return target.atLeast !== undefined ? `≥ ${formatValue(target.atLeast, target.unit)}` : `≤ ${formatValue(target.atMost, target.unit)}`;
}

const ratioTarget = (bound) => ({ on: 'ratio', unit: 'x', ...bound });
const valueTarget = (unit, bound) => ({ on: 'value', unit, ...bound });

const failuresOf = (run) => (run.non2xx ?? 0) + (run.errors ?? 0) + (run.timeouts ?? 0);
const sum = (values) => values.reduce((total, value) => total + value, 0);

/** Rows comparing Plinth with the raw and ORM monoliths for one HTTP scenario (create or list). */
function httpRows(name, label, results, targets) {
  if (!results) return [];
  const { plinth, raw, orm } = results;
  const rps = (runs) => runs.map((run) => run.rps);
  const p99 = (runs) => runs.map((run) => run.p99_ms);
  const rows = [
    { measure: `${label} req/s vs raw-SQL monolith`, unit: 'req/s', plinth: median(rps(plinth)), yardstick: median(rps(raw)), ratio: pairedRatio(rps(plinth), rps(raw)), target: targets.rps },
    { measure: `${label} p99 vs raw-SQL monolith`, unit: 'ms', plinth: median(p99(plinth)), yardstick: median(p99(raw)), ratio: pairedRatio(p99(plinth), p99(raw)), target: targets.p99 },
    { measure: `${label} errors + non-2xx (all rounds)`, unit: '', plinth: sum(plinth.map(failuresOf)), yardstick: sum(raw.map(failuresOf)), target: valueTarget('', { atMost: 0 }) },
  ];
  if (orm?.length) {
    rows.push({ measure: `${label} req/s vs ORM monolith`, unit: 'req/s', plinth: median(rps(plinth)), yardstick: median(rps(orm)), ratio: pairedRatio(rps(plinth), rps(orm)) });
  }
  return rows.map((row) => ({ group: name, ...row }));
}

/** The targets of issue 13 (README "Performance"); each row below names the one it is judged by. */
export const TARGETS = {
  cpuPerOrderMs: 3.0,
  createVsRaw: 0.4,
  createP99VsRaw: 3,
  openLoopP50Ms: 10,
  openLoopP99Ms: 40,
  createdToSseP99Ms: 50,
  listVsRaw: 0.7,
  tracingOnVsOff: 0.85,
  serviceRssMb: 150,
  stackRssMb: 0.8 * 1024,
  rpcVsRaw: 0.95,
  rpcP99VsRaw: 1.2,
  rpcSequentialP50Ms: 1,
  startToReadyS: 3,
  productCacheVsNone: 3,
  productCacheHitRatio: 0.95,
};

/** Rows for the CPU per created order: the sum over every process (the target), then each process group. */
function cpuRows(results) {
  const plinth = (results.create?.plinth ?? []).map((run) => run.cpu).filter(Boolean);
  if (plinth.length === 0) return [];
  const raw = (results.create?.raw ?? []).map((run) => run.cpu?.totalMs);
  const totals = plinth.map((cpu) => cpu.totalMs);
  const rows = [
    { measure: 'CPU per created order, all processes (load generator excluded)', unit: 'ms', plinth: median(totals), yardstick: median(raw), ratio: pairedRatio(totals, raw), target: valueTarget('ms', { atMost: TARGETS.cpuPerOrderMs }) },
  ];
  const groups = Object.keys(plinth[0].perGroup);
  for (const group of groups) {
    rows.push({ measure: `  CPU per order: ${group}`, unit: 'ms', plinth: median(plinth.map((cpu) => cpu.perGroup[group])) });
  }
  return rows.map((row) => ({ group: 'cpu', ...row }));
}

/** Open-loop POST latency at a fixed rate (Plinth and the raw monolith at the same rate), then order → SSE. */
function openLoopRows(openLoop) {
  if (!openLoop) return [];
  const { rate, plinth, raw } = openLoop;
  const field = (runs, name) => runs.map((run) => run.post?.[name]);
  const label = `POST /v1/orders open loop at ${rate}/s`;
  const rows = [
    { measure: `${label}: p50`, unit: 'ms', plinth: median(field(plinth, 'p50_ms')), yardstick: median(field(raw, 'p50_ms')), ratio: pairedRatio(field(plinth, 'p50_ms'), field(raw, 'p50_ms')), target: valueTarget('ms', { atMost: TARGETS.openLoopP50Ms }) },
    { measure: `${label}: p90`, unit: 'ms', plinth: median(field(plinth, 'p90_ms')), yardstick: median(field(raw, 'p90_ms')), ratio: pairedRatio(field(plinth, 'p90_ms'), field(raw, 'p90_ms')) },
    { measure: `${label}: p99`, unit: 'ms', plinth: median(field(plinth, 'p99_ms')), yardstick: median(field(raw, 'p99_ms')), ratio: pairedRatio(field(plinth, 'p99_ms'), field(raw, 'p99_ms')), target: valueTarget('ms', { atMost: TARGETS.openLoopP99Ms }) },
    { measure: `${label}: achieved rate`, unit: 'req/s', plinth: median(field(plinth, 'achievedRate')), yardstick: median(field(raw, 'achievedRate')) },
    { measure: `${label}: failed requests (all rounds)`, unit: '', plinth: sum(field(plinth, 'failed')), yardstick: sum(field(raw, 'failed')), target: valueTarget('', { atMost: 0 }) },
  ];
  const sse = plinth.map((run) => run.sse).filter(Boolean);
  if (sse.length > 0) {
    const stat = (path, name) => median(sse.map((run) => run[path]?.[name] ?? undefined));
    rows.push(
      { measure: `order created → notification on SSE at ${rate}/s: p50`, unit: 'ms', plinth: stat('created_to_stream', 'p50_ms') },
      { measure: `order created → notification on SSE at ${rate}/s: p99`, unit: 'ms', plinth: stat('created_to_stream', 'p99_ms'), target: valueTarget('ms', { atMost: TARGETS.createdToSseP99Ms }) },
      { measure: `POST scheduled → notification on SSE at ${rate}/s: p99`, unit: 'ms', plinth: stat('request_to_stream', 'p99_ms') },
      { measure: 'notifications lost on SSE (all rounds)', unit: '', plinth: sum(sse.map((run) => run.lost ?? 0)), target: valueTarget('', { atMost: 0 }) },
      // The stock saga end to end: orders → catalog reserves → orders confirms → notifications → the stream.
      { measure: `POST /v1/orders → confirmed (saga, on SSE) at ${rate}/s: p50`, unit: 'ms', plinth: stat('request_to_confirmed', 'p50_ms') },
      { measure: `POST /v1/orders → confirmed (saga, on SSE) at ${rate}/s: p99`, unit: 'ms', plinth: stat('request_to_confirmed', 'p99_ms') },
      { measure: 'orders never confirmed on SSE (all rounds)', unit: '', plinth: sum(sse.map((run) => run.unconfirmed ?? 0)), target: valueTarget('', { atMost: 0 }) },
    );
  }
  const cpu = plinth.map((run) => run.cpu?.totalMs);
  if (cpu.some(Number.isFinite)) rows.push({ measure: `CPU per created order at ${rate}/s, all processes`, unit: 'ms', plinth: median(cpu) });
  return rows.map((row) => ({ group: 'openloop', ...row }));
}

/** Every row of the target table that the results have data for, in the order. */
export function buildRows(results) {
  const rows = [
    ...cpuRows(results),
    ...httpRows('create', 'POST /v1/orders', results.create, { rps: ratioTarget({ atLeast: TARGETS.createVsRaw }), p99: ratioTarget({ atMost: TARGETS.createP99VsRaw }) }),
    ...openLoopRows(results.openloop),
    ...httpRows('list', 'GET /v1/orders?limit=20', results.list, { rps: ratioTarget({ atLeast: TARGETS.listVsRaw }) }),
  ];
  if (results.products) {
    const { cached, uncached, hitRatio } = results.products;
    const rps = (runs) => runs.map((run) => run.rps);
    const p99 = (runs) => runs.map((run) => run.p99_ms);
    rows.push(
      { group: 'products', measure: 'GET /v1/products/{sku} req/s, cache vs none', unit: 'req/s', plinth: median(rps(cached)), yardstick: median(rps(uncached)), ratio: pairedRatio(rps(cached), rps(uncached)), target: ratioTarget({ atLeast: TARGETS.productCacheVsNone }) },
      { group: 'products', measure: 'GET /v1/products/{sku} p99, cache vs none', unit: 'ms', plinth: median(p99(cached)), yardstick: median(p99(uncached)), ratio: pairedRatio(p99(cached), p99(uncached)) },
      { group: 'products', measure: 'product cache hit ratio under that load', unit: '', plinth: hitRatio, target: valueTarget('', { atLeast: TARGETS.productCacheHitRatio }) },
      { group: 'products', measure: 'GET /v1/products/{sku} errors + non-2xx (all rounds)', unit: '', plinth: sum(cached.map(failuresOf)), yardstick: sum(uncached.map(failuresOf)), target: valueTarget('', { atMost: 0 }) },
    );
  }
  if (results.rpc) {
    const { inflight, sequential } = results.rpc;
    const pick = (runs, field) => runs.map((run) => run[field]);
    rows.push(
      { group: 'rpc', measure: `RPC req/s at ${inflight.inflight} in flight vs raw amqplib`, unit: 'req/s', plinth: median(pick(inflight.plinth, 'rps')), yardstick: median(pick(inflight.raw, 'rps')), ratio: pairedRatio(pick(inflight.plinth, 'rps'), pick(inflight.raw, 'rps')), target: ratioTarget({ atLeast: TARGETS.rpcVsRaw }) },
      { group: 'rpc', measure: `RPC p99 at ${inflight.inflight} in flight vs raw amqplib`, unit: 'ms', plinth: median(pick(inflight.plinth, 'p99_ms')), yardstick: median(pick(inflight.raw, 'p99_ms')), ratio: pairedRatio(pick(inflight.plinth, 'p99_ms'), pick(inflight.raw, 'p99_ms')), target: ratioTarget({ atMost: TARGETS.rpcP99VsRaw }) },
      { group: 'rpc', measure: 'RPC sequential p50', unit: 'ms', plinth: median(pick(sequential.plinth, 'p50_ms')), yardstick: median(pick(sequential.raw, 'p50_ms')), ratio: pairedRatio(pick(sequential.plinth, 'p50_ms'), pick(sequential.raw, 'p50_ms')), target: valueTarget('ms', { atMost: TARGETS.rpcSequentialP50Ms }) },
    );
  }
  if (results.tracing) {
    const on = results.tracing.on.map((run) => run.rps);
    const off = results.tracing.off.map((run) => run.rps);
    rows.push({ group: 'tracing', measure: 'create req/s, tracing on vs off', unit: 'req/s', plinth: median(on), yardstick: median(off), ratio: pairedRatio(on, off), target: ratioTarget({ atLeast: TARGETS.tracingOnVsOff }) });
    const cpuOn = results.tracing.on.map((run) => run.cpu?.totalMs);
    const cpuOff = results.tracing.off.map((run) => run.cpu?.totalMs);
    if (cpuOn.some(Number.isFinite)) {
      rows.push({ group: 'tracing', measure: 'CPU per created order, tracing on vs off', unit: 'ms', plinth: median(cpuOn), yardstick: median(cpuOff), ratio: pairedRatio(cpuOn, cpuOff) });
    }
    if (results.tracing.receiverCpuMs !== undefined) {
      rows.push({ group: 'tracing', measure: 'CPU per created order in the OTLP receiver (own process)', unit: 'ms', plinth: results.tracing.receiverCpuMs });
    }
  }
  // The yardstick column shows the raw monolith (one process doing all of it), for reference only.
  const monolith = results.footprint?.monolith;
  const seconds = (ms) => (ms === undefined ? undefined : ms / 1000);
  for (const [service, figures] of Object.entries(results.footprint?.services ?? {})) {
    rows.push(
      { group: 'footprint', measure: `${service} idle RSS`, unit: 'MB', plinth: figures.rssMb, yardstick: monolith?.rssMb, target: valueTarget('MB', { atMost: TARGETS.serviceRssMb }) },
      { group: 'footprint', measure: `${service} start → ready`, unit: 's', plinth: seconds(figures.startToReadyMs), yardstick: seconds(monolith?.startToReadyMs), target: valueTarget('s', { atMost: TARGETS.startToReadyS }) },
    );
  }
  const services = Object.values(results.footprint?.services ?? {});
  if (services.length > 0) {
    const total = services.every((figures) => Number.isFinite(figures.rssMb)) ? sum(services.map((figures) => figures.rssMb)) : undefined;
    const settle = results.footprint.settled ? `settled after ${results.footprint.idleSeconds} s idle` : `after ${results.footprint.idleSeconds} s idle, not settled`;
    rows.push({ group: 'footprint', measure: `idle RSS, all ${services.length} services (${settle})`, unit: 'MB', plinth: total, yardstick: monolith?.rssMb, target: valueTarget('MB', { atMost: TARGETS.stackRssMb }) });
    const atStart = services.every((figures) => Number.isFinite(figures.rssAtStartMb)) ? sum(services.map((figures) => figures.rssAtStartMb)) : undefined;
    if (atStart !== undefined) rows.push({ group: 'footprint', measure: `idle RSS, all ${services.length} services, right after start`, unit: 'MB', plinth: atStart, yardstick: monolith?.rssAtStartMb });
  }
  for (const check of results.correctness ?? []) {
    rows.push({ group: 'correctness', measure: `${check.system}: 201 orders without exactly one notification`, unit: '', plinth: check.mismatched, yardstick: undefined, target: valueTarget('', { atMost: 0 }), note: `${check.ordersInDb} orders, ${check.acknowledged} answered 201` });
  }
  return rows.map((row) => ({ ...row, met: verdict(row) }));
}

const COLUMNS = ['measure', 'Plinth', 'yardstick', 'ratio', 'target', 'met?'];

const cellsOf = (row) => [
  row.measure,
  formatValue(row.plinth, row.unit),
  formatValue(row.yardstick, row.unit),
  formatValue(row.ratio, 'x'),
  formatTarget(row.target),
  row.met,
];

/** The table as aligned plain text (terminal) or as a Markdown table (README). */
export function formatTable(rows, { markdown = false } = {}) {
  const lines = [COLUMNS, ...rows.map(cellsOf)];
  if (markdown) {
    const escape = (cell) => cell.replaceAll('|', '\\|');
    return [lines[0], lines[0].map(() => '---'), ...lines.slice(1)].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
  }
  // Every symbol used (≥ ≤ × → —) is one UTF-16 unit, so length is the printed width.
  const widths = COLUMNS.map((_, column) => Math.max(...lines.map((cells) => cells[column].length)));
  const render = (cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [render(lines[0]), widths.map((width) => '─'.repeat(width)).join('  '), ...lines.slice(1).map(render)].join('\n');
}
