// The performance targets of issue 8 in one command: starts Plinth (built services on throwaway
// databases and vhost) and the fixed yardsticks (/work/shared/bench: raw amqplib RPC, one-process
// monolith in raw-SQL and ORM mode), runs them alternately with warm-ups on the same machine, checks
// that every created order got exactly one notification, prints the target table and writes the raw
// results to tools/bench/results/bench-<timestamp>.json.
//
// usage: node_modules/.bin/node tools/bench/bench.mjs [--only create,list,rpc,sse,tracing,footprint]
//          [--duration 10] [--warmup 2] [--rounds 3] [--connections 64] [--users 50] [--quick]   (npm run bench)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { USAGE, parseBenchArgs } from './lib/bench-args.mjs';
import { gitState, staleBuilds } from './lib/build-info.mjs';
import { benchSystemEnv, countStatus, registerUsers, runLoad, scenarios, summarizeLoad } from './lib/http-load.mjs';
import { measureNotificationLatency, openStream } from './lib/notification-latency.mjs';
import { Progress } from './lib/progress.mjs';
import { buildRows, formatTable, median } from './lib/report.mjs';
import { checkOrderNotifications, pidOfService, residentMemory, timeRestart, waitForNotifications } from './lib/system-probes.mjs';
import { lastJsonLine, monolithCredentials, prepareYardsticks, runCommand, runRpcBaseline, startMonolith } from './lib/yardsticks.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');
const cacheDir = join(root, 'tmp', 'bench-yardsticks');
const SERVICES = ['gateway', 'auth', 'users', 'orders', 'notifications'];
const SYSTEM_READY_TIMEOUT_MS = 180_000;
// Users register once at the start; a full run on a busy box outlasts the default 15-minute access token.
const LONG_LIVED_TOKENS = { auth: { ACCESS_TOKEN_TTL_SECONDS: '3600' } };

let options;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const wants = (measure) => options.only.includes(measure);
const needsSystem = options.only.some((measure) => measure !== 'rpc');
const needsMonolith = wants('create') || wants('list');

/** Fails before starting anything when a service or library the bench runs has not been built. */
function assertBuilt() {
  const missing = [
    ...(needsSystem ? SERVICES.map((service) => join('apps', service, 'dist', 'main.js')) : []),
    join('libs', 'testing', 'dist', 'index.js'),
    join('libs', 'messaging', 'dist', 'index.js'),
  ].filter((file) => !existsSync(join(root, file)));
  if (missing.length > 0) {
    console.error(`bench: not built (missing ${missing.join(', ')}).\nBuild first: npx tsc -b tsconfig.json  (or npm run build)`);
    process.exit(1);
  }
}

/** Estimated seconds per step, for the ETA; keys match progress.step() calls below. */
function planOf() {
  const http = options.warmup + options.duration + 1;
  const rpcRun = options.rpcRequests / 2500 + options.rpcSequentialRequests / 800 + 4;
  const plan = [{ key: 'prepare', seconds: needsMonolith ? 10 : 2 }];
  if (needsSystem) plan.push({ key: 'system', seconds: 60 });
  if (wants('footprint')) plan.push({ key: 'footprint', seconds: 10 + SERVICES.length * 6 });
  if (needsSystem && !(options.only.length === 1 && wants('footprint'))) plan.push({ key: 'users', seconds: options.users * 0.4 });
  if (needsMonolith) plan.push({ key: 'monoliths', seconds: 10 });
  for (const scenario of ['create', 'list']) {
    if (!wants(scenario)) continue;
    for (let round = 1; round <= options.rounds; round++) for (const target of ['plinth', 'raw', 'orm']) plan.push({ key: `${scenario}-${round}-${target}`, seconds: http });
  }
  if (wants('rpc')) {
    plan.push({ key: 'rpc-setup', seconds: 8 });
    for (let round = 1; round <= options.rounds; round++) plan.push({ key: `rpc-${round}`, seconds: 2 * rpcRun });
  }
  if (wants('sse')) plan.push({ key: 'sse', seconds: options.warmup + options.duration * 2 + 15 });
  if (wants('tracing')) {
    plan.push({ key: 'tracing-system', seconds: 60 });
    for (let round = 1; round <= options.rounds; round++) plan.push({ key: `tracing-${round}`, seconds: 2 * http });
  }
  if (wants('create') || wants('sse') || wants('tracing')) plan.push({ key: 'correctness', seconds: 15 });
  plan.push({ key: 'stop', seconds: 10 });
  return plan;
}

const machineNow = () => ({ loadavg: loadavg().map((value) => Math.round(value * 100) / 100), at: new Date().toISOString() });

/** Alternates the order of the targets every round (ABAB…), so drift on the shared box hits both sides. */
const orderForRound = (targets, round) => (round % 2 === 1 ? targets : [...targets].reverse());

async function main() {
  assertBuilt();
  const testing = await import('@plinth/testing');
  const progress = new Progress(planOf());
  const cleanups = [];
  const cleanup = async () => {
    while (cleanups.length > 0) await cleanups.pop()().catch((error) => console.error(`bench cleanup: ${error.message}`));
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  const results = {
    at: new Date().toISOString(),
    options,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), node: process.version, before: machineNow() },
    build: { ...gitState(root), staleBuilds: staleBuilds(root) },
  };
  if (results.build.staleBuilds.length > 0) {
    progress.note(`WARNING: dist older than src in ${results.build.staleBuilds.join(', ')}: this run measures the previous build (npx tsc -b tsconfig.json)`);
  }
  /** 201 answers per system, to prove no acknowledged order is lost and each has its notification. */
  const acknowledged = new Map();
  const acknowledge = (system, count) => acknowledged.set(system, (acknowledged.get(system) ?? 0) + count);

  try {
    progress.step('prepare', 'preparing the yardsticks (copy; npm ci for the monolith on first use)');
    await prepareYardsticks(cacheDir, root, { monolith: needsMonolith });

    let system;
    if (needsSystem) {
      progress.step('system', 'starting Plinth (5 built services, throwaway databases and vhost)');
      system = await testing.startSystem({ env: benchSystemEnv(), serviceEnv: LONG_LIVED_TOKENS, readyTimeoutMs: SYSTEM_READY_TIMEOUT_MS });
      cleanups.push(() => system.stop());
    }

    if (wants('footprint')) {
      progress.step('footprint', 'footprint: idle RSS after settling, then start → ready per service');
      await new Promise((resolve) => setTimeout(resolve, options.quick ? 3000 : 10_000));
      const services = {};
      for (const service of SERVICES) {
        const pid = pidOfService(service);
        services[service] = { pid, ...(pid === undefined ? {} : residentMemory(pid)) };
      }
      for (const service of SERVICES) {
        progress.step('footprint', `footprint: restarting ${service} alone, timing spawn → /readyz 200`);
        services[service].startToReadyMs = Math.round(await timeRestart(system, service));
      }
      results.footprint = { services };
    }

    const http = {};
    if (needsSystem && !(options.only.length === 1 && wants('footprint'))) {
      progress.step('users', `registering ${options.users} users on Plinth`);
      http.plinthTokens = await registerUsers(system.gatewayUrl, options.users);
    }

    if (needsMonolith) {
      progress.step('monoliths', 'starting the monolith yardstick (raw SQL and ORM, own databases)');
      const credentials = await monolithCredentials(options.users);
      http.monolithTokens = credentials.tokens;
      http.monoliths = {};
      for (const mode of ['raw', 'orm']) {
        const database = await testing.createTestDatabase(`bench_monolith_${mode}`);
        cleanups.push(() => database.drop());
        const monolith = await startMonolith({ cacheDir, node, mode, databaseUrl: database.url, publicKeyPem: credentials.publicKeyPem, port: await testing.freePort() });
        cleanups.push(() => monolith.stop());
        http.monoliths[mode] = monolith;
      }
      if (wants('footprint')) {
        // The one-process yardstick's figures next to each service's: same settle, same VmRSS.
        await new Promise((resolve) => setTimeout(resolve, options.quick ? 3000 : 10_000));
        const { pid, startToReadyMs } = http.monoliths.raw;
        results.footprint.monolith = { pid, ...residentMemory(pid), startToReadyMs };
      }
    }

    const loadTarget = (target) =>
      target === 'plinth'
        ? { baseUrl: system.gatewayUrl, tokens: http.plinthTokens, prefix: '/v1' }
        : { baseUrl: http.monoliths[target].url, tokens: http.monolithTokens, prefix: '' };

    /** Lets the asynchronous work of the orders just created finish before anything else is measured. */
    const drainBacklog = async (target, key, text) => {
      const { waitedMs } = await waitForNotifications(target, {
        onWait: (notified, orders) => progress.step(key, `${text}: letting the notification backlog drain (${notified}/${orders})`),
      });
      return waitedMs;
    };

    /** Warm-up + measured run of one scenario against one target; counts Plinth's 201s for the correctness check. */
    const measureHttp = async (scenario, target, label) => {
      const { baseUrl, tokens, prefix } = loadTarget(target);
      const request = scenarios(prefix)[scenario];
      const load = (seconds) => runLoad({ baseUrl, tokens, scenario: request, seconds, connections: options.connections });
      progress.step(label.key, `${label.text}: warm-up ${options.warmup}s`);
      if (options.warmup > 0) {
        const warm = await load(options.warmup);
        if (target === 'plinth') acknowledge('plinth', countStatus(warm, 201));
      }
      progress.step(label.key, `${label.text}: measuring ${options.duration}s`);
      const result = await load(options.duration);
      if (target === 'plinth') acknowledge('plinth', countStatus(result, 201));
      const summary = summarizeLoad(scenario, target, result);
      progress.note(`  ${label.text}: ${summary.rps} req/s, p99 ${summary.p99_ms} ms, non-2xx ${summary.non2xx}, errors ${summary.errors}`);
      if (summary.total === 0) progress.note(`  WARNING: no request of ${label.text} completed within ${options.duration}s (machine saturated? see load average)`);
      if (scenario === 'create' && target === 'plinth') summary.backlogDrainMs = await drainBacklog(system, label.key, label.text);
      return summary;
    };

    for (const scenario of ['create', 'list']) {
      if (!wants(scenario)) continue;
      const runs = { plinth: [], raw: [], orm: [] };
      for (let round = 1; round <= options.rounds; round++) {
        for (const target of orderForRound(['plinth', 'raw', 'orm'], round)) {
          runs[target].push(await measureHttp(scenario, target, { key: `${scenario}-${round}-${target}`, text: `${scenario} round ${round}/${options.rounds}: ${target === 'plinth' ? 'Plinth' : `monolith ${target}`}` }));
        }
      }
      results[scenario] = runs;
    }

    if (wants('rpc')) results.rpc = await measureRpc(testing, progress, cleanups);

    if (wants('sse')) {
      const createRate = median(results.create?.plinth.map((run) => run.rps) ?? []);
      let rate = options.sseRate;
      if (rate === undefined && createRate === undefined) {
        progress.step('sse', 'sse: measuring the sustainable create rate first (no create results in this run)');
        const probe = await runLoad({ baseUrl: system.gatewayUrl, tokens: http.plinthTokens, scenario: scenarios('/v1').create, seconds: options.duration, connections: options.connections });
        acknowledge('plinth', countStatus(probe, 201));
        rate = Math.max(1, Math.round(probe.requests.average / 2));
      }
      rate ??= Math.max(1, Math.round(createRate / 2));
      progress.step('sse', `sse: order → notification → stream at ${rate} orders/s (open loop)`);
      const streamTokens = http.plinthTokens.slice(0, 10);
      const record = { onNotification: () => {} };
      const closers = [];
      try {
        for (const token of streamTokens) closers.push(await openStream(system.gatewayUrl, token, (...event) => record.onNotification(...event)));
        if (options.warmup > 0) acknowledge('plinth', (await measureNotificationLatency({ baseUrl: system.gatewayUrl, tokens: streamTokens, seconds: options.warmup, rate, record })).created);
        const measured = await measureNotificationLatency({ baseUrl: system.gatewayUrl, tokens: streamTokens, seconds: Math.max(options.duration, 5), rate, record });
        acknowledge('plinth', measured.created);
        results.sse = { rate, createRateMedian: createRate, users: streamTokens.length, ...measured };
        progress.note(`  sse: created → stream p99 ${measured.created_to_stream.p99_ms} ms, request → stream p99 ${measured.request_to_stream.p99_ms} ms, lost ${measured.lost}`);
      } finally {
        for (const close of closers) close();
      }
    }

    let traced;
    if (wants('tracing')) {
      progress.step('tracing-system', 'tracing: starting a second Plinth with always-on sampling, OTLP to a local receiver');
      const receiver = await startOtlpReceiver();
      cleanups.push(() => receiver.stop());
      traced = await testing.startSystem({
        env: { ...benchSystemEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: 'always_on' },
        serviceEnv: LONG_LIVED_TOKENS,
        readyTimeoutMs: SYSTEM_READY_TIMEOUT_MS,
      });
      cleanups.push(() => traced.stop());
      const tracedTokens = await registerUsers(traced.gatewayUrl, options.users, 'traced');
      const create = scenarios('/v1').create;
      const runs = { off: [], on: [] };
      for (let round = 1; round <= options.rounds; round++) {
        for (const mode of orderForRound(['off', 'on'], round)) {
          const [target, tokens] = mode === 'on' ? [traced, tracedTokens] : [system, http.plinthTokens];
          const load = (seconds) => runLoad({ baseUrl: target.gatewayUrl, tokens, scenario: create, seconds, connections: options.connections });
          progress.step(`tracing-${round}`, `tracing round ${round}/${options.rounds}: create with tracing ${mode}`);
          if (options.warmup > 0) acknowledge(mode === 'on' ? 'traced' : 'plinth', countStatus(await load(options.warmup), 201));
          const result = await load(options.duration);
          acknowledge(mode === 'on' ? 'traced' : 'plinth', countStatus(result, 201));
          runs[mode].push({ ...summarizeLoad('create', `tracing-${mode}`, result), backlogDrainMs: await drainBacklog(target, `tracing-${round}`, `tracing ${mode}`) });
          progress.note(`  tracing ${mode}: ${runs[mode].at(-1).rps} req/s, p99 ${runs[mode].at(-1).p99_ms} ms`);
        }
      }
      results.tracing = { ...runs, spansReceived: await receiver.spanCount() };
      if (results.tracing.spansReceived === 0) progress.note('  WARNING: tracing on, but the receiver got no spans: the "on" figures are not traced');
    }

    if (acknowledged.size > 0) {
      progress.step('correctness', 'correctness: every 201 order has exactly one notification');
      results.correctness = [];
      for (const [name, target] of [['plinth', system], ['traced', traced]]) {
        if (!acknowledged.has(name)) continue;
        const check = await checkOrderNotifications(target, acknowledged.get(name), {
          onWait: (notified, orders) => progress.step('correctness', `correctness (${name}): waiting for notifications ${notified}/${orders}`),
        });
        results.correctness.push({ system: name === 'plinth' ? 'Plinth' : 'Plinth traced', ...check });
      }
    }
  } finally {
    progress.step('stop', 'stopping everything, dropping databases and vhosts');
    await cleanup();
    progress.done();
  }

  results.machine.after = machineNow();
  results.rows = buildRows(results);
  results.tableMarkdown = formatTable(results.rows, { markdown: true });
  const outDir = join(here, 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `bench-${results.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));

  const { machine } = results;
  console.log(`\nPlinth vs yardsticks — ${machine.cpus} cores (${machine.cpuModel}), ${machine.memGb} GB, Node ${machine.node}`);
  console.log(`code: ${results.build.commit} + ${results.build.uncommittedInAppsAndLibs ?? '?'} uncommitted file(s) in apps/ and libs/${results.build.staleBuilds.length > 0 ? `; STALE BUILD: ${results.build.staleBuilds.join(', ')}` : ''}`);
  console.log(`load average before ${machine.before.loadavg.join(' ')}, after ${machine.after.loadavg.join(' ')}; ${options.rounds} round(s) × ${options.duration}s, ${options.connections} connections${options.quick ? ' (--quick: not meaningful)' : ''}\n`);
  console.log(formatTable(results.rows));
  console.log(`\nratios: median of the per-round ratios (rounds alternate the order of Plinth and yardstick)`);
  const judged = results.rows.filter((row) => row.met === 'yes' || row.met === 'NO');
  console.log(`targets met: ${judged.filter((row) => row.met === 'yes').length} of ${judged.length}`);
  console.log(`raw results: ${file}`);
}

/** Plinth's RPC (rpc-plinth.mjs) and raw amqplib (rpc-baseline.mjs), alternating, each run a fresh process on one throwaway vhost. */
async function measureRpc(testing, progress, cleanups) {
  progress.step('rpc-setup', 'rpc: throwaway vhost, one untimed warm-up run per side');
  const vhost = await testing.createTestVhost('bench_rpc');
  cleanups.push(() => vhost.drop());
  const runPlinth = async (requests, inflight) =>
    lastJsonLine(await runCommand(node, [join(here, 'rpc-plinth.mjs'), String(requests), String(inflight)], { cwd: root, env: { ...process.env, AMQP_URL: vhost.url, NODE_OPTIONS: '' } }));
  const runRaw = (requests, inflight) => runRpcBaseline({ cacheDir, node, amqpUrl: vhost.url, requests, inflight });
  // Warms the broker's side (vhost, queues, direct reply-to) for both; the figures are discarded.
  await runRaw(2000, options.connections);
  await runPlinth(2000, options.connections);
  const rpc = { inflight: { inflight: options.connections, requests: options.rpcRequests, plinth: [], raw: [] }, sequential: { inflight: 1, requests: options.rpcSequentialRequests, plinth: [], raw: [] } };
  for (let round = 1; round <= options.rounds; round++) {
    for (const side of orderForRound(['plinth', 'raw'], round)) {
      const run = side === 'plinth' ? runPlinth : runRaw;
      progress.step(`rpc-${round}`, `rpc round ${round}/${options.rounds}: ${side} at ${options.connections} in flight`);
      rpc.inflight[side].push(await run(options.rpcRequests, options.connections));
      progress.step(`rpc-${round}`, `rpc round ${round}/${options.rounds}: ${side} sequential`);
      rpc.sequential[side].push(await run(options.rpcSequentialRequests, 1));
      const [many, one] = [rpc.inflight[side].at(-1), rpc.sequential[side].at(-1)];
      progress.note(`  rpc ${side}: ${many.rps} req/s p99 ${many.p99_ms} ms at ${options.connections}; sequential p50 ${one.p50_ms} ms`);
    }
  }
  return rpc;
}

/** The OTLP receiver on a worker thread (see otlp-receiver.worker.mjs). */
async function startOtlpReceiver() {
  const worker = new Worker(new URL('./lib/otlp-receiver.worker.mjs', import.meta.url));
  const nextMessage = () => new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const { url } = await nextMessage();
  return {
    url,
    spanCount: async () => {
      const reply = nextMessage();
      worker.postMessage('count');
      return (await reply).spans;
    },
    stop: async () => {
      const reply = nextMessage();
      worker.postMessage('stop');
      await reply;
      await worker.terminate();
    },
  };
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`\nbench failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
