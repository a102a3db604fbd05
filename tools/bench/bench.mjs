// The performance targets of issue 13 in one command: starts Plinth (built services on throwaway
// databases and vhost, on a private RabbitMQ node) and the fixed yardsticks (/work/shared/bench: raw
// amqplib RPC, one-process monolith in raw-SQL and ORM mode), runs them alternately with warm-ups on the
// same machine, measures CPU per created order per process, open-loop latency at a fixed rate and
// order → SSE latency, checks that every created order got exactly one notification, prints the target
// table and writes the raw results to tools/bench/results/bench-<timestamp>.json.
//
// usage: node_modules/.bin/node tools/bench/bench.mjs [--only create,openloop,list,rpc,tracing,footprint]
//          [--duration 10] [--warmup 2] [--rounds 3] [--connections 64] [--users 50] [--rate R] [--quick]   (npm run bench)
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { USAGE, parseBenchArgs } from './lib/bench-args.mjs';
import { gitState, staleBuilds } from './lib/build-info.mjs';
import { benchSystemEnv, countStatus, graphqlScenarios, registerUsers, runLoad, scenarios, summarizeLoad } from './lib/http-load.mjs';
import { measureNotificationLatency, openStream } from './lib/notification-latency.mjs';
import { keepAliveClient, runOpenLoop } from './lib/open-loop.mjs';
import { startPrivateBroker } from './lib/private-broker.mjs';
import { CpuMeter, cpuPerOperation, rabbitPid, readProcessTimes, systemProcessGroups, CLOCK_TICKS_PER_SECOND } from './lib/process-cpu.mjs';
import { measureProductReads, startProductGateways } from './lib/product-reads.mjs';
import { Progress } from './lib/progress.mjs';
import { buildRows, formatTable, median } from './lib/report.mjs';
import { checkOrderNotifications, idleFootprint, pidOfService, timeRestart, waitForNotifications } from './lib/system-probes.mjs';
import { lastJsonLine, monolithCredentials, prepareYardsticks, runCommand, runRpcBaseline, startMonolith } from './lib/yardsticks.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');
const cacheDir = join(root, 'tmp', 'bench-yardsticks');
// The services startSystem runs (@plinth/testing's list): one added later (catalog) is measured without a change here.
let SERVICES = [];
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
const needsMonolith = wants('create') || wants('list') || wants('openloop');

/** Fails before starting anything when a service or library the bench runs has not been built. */
function assertBuilt(services) {
  const missing = [
    ...(needsSystem ? services.map((service) => join('apps', service, 'dist', 'main.js')) : []),
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
  if (!options.sharedBroker) plan.push({ key: 'broker', seconds: 10 });
  if (needsSystem) plan.push({ key: 'system', seconds: 60 });
  if (needsSystem && !(options.only.length === 1 && wants('footprint'))) plan.push({ key: 'users', seconds: options.users * 0.4 });
  if (needsMonolith) plan.push({ key: 'monoliths', seconds: 10 });
  if (wants('footprint')) plan.push({ key: 'footprint', seconds: (options.quick ? 10 : 130) + SERVICES.length * 6 });
  for (const scenario of ['create', 'list']) {
    if (!wants(scenario)) continue;
    for (let round = 1; round <= options.rounds; round++) for (const target of ['plinth', 'raw', 'orm']) plan.push({ key: `${scenario}-${round}-${target}`, seconds: http + (scenario === 'create' && target === 'plinth' ? 3 : 0) });
  }
  if (wants('openloop')) {
    plan.push({ key: 'openloop-setup', seconds: 5 });
    for (let round = 1; round <= options.rounds; round++) plan.push({ key: `openloop-${round}`, seconds: 2 * http + 3 });
  }
  if (wants('products')) {
    plan.push({ key: 'products-setup', seconds: 30 });
    for (let round = 1; round <= options.rounds; round++) plan.push({ key: `products-${round}`, seconds: 2 * http });
  }
  if (wants('rpc')) {
    plan.push({ key: 'rpc-setup', seconds: 8 });
    for (let round = 1; round <= options.rounds; round++) plan.push({ key: `rpc-${round}`, seconds: 2 * rpcRun });
  }
  if (wants('tracing')) {
    plan.push({ key: 'tracing-system', seconds: 60 });
    for (let round = 1; round <= options.rounds; round++) plan.push({ key: `tracing-${round}`, seconds: 2 * http + 6 });
  }
  if (wants('graphql')) {
    for (const scenario of ['list', 'create']) for (let round = 1; round <= options.rounds; round++) for (const face of ['rest', 'graphql']) plan.push({ key: `graphql-${scenario}-${round}-${face}`, seconds: http });
  }
  if (wants('create') || wants('openloop') || wants('tracing') || wants('graphql')) plan.push({ key: 'correctness', seconds: 15 });
  plan.push({ key: 'stop', seconds: 10 });
  return plan;
}

const machineNow = () => ({ loadavg: loadavg().map((value) => Math.round(value * 100) / 100), at: new Date().toISOString() });

/** Alternates the order of the targets every round (ABAB…), so drift on the shared box hits both sides. */
const orderForRound = (targets, round) => (round % 2 === 1 ? targets : [...targets].reverse());

const portOf = (url) => Number(new URL(url).port);
const databaseOf = (url) => decodeURIComponent(new URL(url).pathname.slice(1));

/** Process groups of one running Plinth for the CPU meter: services, their databases' backends, the broker. */
const plinthGroups = (system, brokerPid) =>
  systemProcessGroups({
    services: SERVICES,
    pidOf: (service) => pidOfService(service, portOf(system.urlOf(service))),
    databases: Object.fromEntries(SERVICES.flatMap((service) => { try { return [[service, databaseOf(system.databaseUrlOf(service))]]; } catch { return []; } })),
    serverUrl: testingServerUrl(),
    brokerPid,
  });

let testingServerUrl = () => undefined;

async function main() {
  const testing = await import('@plinth/testing');
  SERVICES = [...testing.serviceNames];
  testingServerUrl = () => testing.testInfrastructure.databaseServerUrl;
  assertBuilt(SERVICES);
  const progress = new Progress(planOf());
  const cleanups = [];
  const cleanup = async () => {
    while (cleanups.length > 0) await cleanups.pop()().catch((error) => console.error(`bench cleanup: ${error.message}`));
  };
  // Ctrl-C, or a test runner's timeout (SIGTERM), must not leave the private broker node and five services behind.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) process.once(signal, () => void cleanup().finally(() => process.exit(code)));

  const results = {
    at: new Date().toISOString(),
    options,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), node: process.version, before: machineNow() },
    build: { ...gitState(root), staleBuilds: staleBuilds(root) },
    services: SERVICES,
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

    // The broker's CPU is part of the cost per order: on the shared node it would include other work.
    let brokerPid = () => rabbitPid(portOf(testing.testInfrastructure.rabbitmqUrl));
    if (!options.sharedBroker) {
      progress.step('broker', 'starting a private RabbitMQ node (its CPU is all Plinth\'s)');
      const broker = await startPrivateBroker(testing);
      cleanups.push(() => broker.stop());
      brokerPid = broker.pid;
    }
    results.broker = options.sharedBroker ? 'shared' : 'private';

    let system;
    if (needsSystem) {
      progress.step('system', `starting Plinth (${SERVICES.length} built services, throwaway databases and vhost)`);
      system = await testing.startSystem({ env: benchSystemEnv(), serviceEnv: LONG_LIVED_TOKENS, readyTimeoutMs: SYSTEM_READY_TIMEOUT_MS });
      cleanups.push(() => system.stop());
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
        http.monoliths[mode] = { ...monolith, database: databaseOf(database.url) };
      }
    }

    if (wants('footprint')) {
      // Plinth's services and the one-process yardstick idle side by side, read the same way.
      progress.step('footprint', 'footprint: idle RSS until V8 has released the start-up heap (up to 150 s), then start → ready per service');
      const pids = Object.fromEntries(SERVICES.map((service) => [service, pidOfService(service, portOf(system.urlOf(service)))]));
      if (http.monoliths) pids.monolith = http.monoliths.raw.pid;
      const idle = await idleFootprint(pids, { maxMs: options.quick ? 10_000 : 150_000, onReading: (totalMb, seconds) => progress.step('footprint', `footprint: idle RSS ${Math.round(totalMb)} MB in all after ${seconds} s`) });
      const { monolith, ...services } = idle.processes;
      for (const service of SERVICES) {
        progress.step('footprint', `footprint: restarting ${service} alone, timing spawn → /readyz 200`);
        services[service].startToReadyMs = Math.round(await timeRestart(system, service));
      }
      results.footprint = { services, settled: idle.settled, idleSeconds: idle.seconds, ...(monolith ? { monolith: { ...monolith, startToReadyMs: http.monoliths.raw.startToReadyMs } } : {}) };
    }

    const loadTarget = (target) =>
      target === 'plinth'
        ? { baseUrl: system.gatewayUrl, tokens: http.plinthTokens, prefix: '/v1' }
        : { baseUrl: http.monoliths[target].url, tokens: http.monolithTokens, prefix: '' };

    /** What the CPU meter reads for a target: Plinth's processes, or the monolith's one process and its database. */
    const cpuMeterOf = (target) =>
      new CpuMeter(
        target === 'plinth'
          ? plinthGroups(system, brokerPid)
          : systemProcessGroups({ services: ['monolith'], pidOf: () => http.monoliths[target].pid, databases: { monolith: http.monoliths[target].database }, serverUrl: testing.testInfrastructure.databaseServerUrl }),
      );

    /** Lets the asynchronous work of the orders just created finish before anything else is measured. */
    const drainBacklog = async (target, key, text) => {
      const { waitedMs } = await waitForNotifications(target, {
        onWait: (notified, orders) => progress.step(key, `${text}: letting the notification backlog drain (${notified}/${orders})`),
      });
      return waitedMs;
    };

    /**
     * Warm-up + measured run of one scenario against one target; counts Plinth's 201s for the correctness
     * check. Creates are metered for CPU: the window closes only when the notifications of the run's
     * orders are stored, so the asynchronous half of each order (relay, broker, notifications) is in it.
     */
    const measureHttp = async (scenario, target, label) => {
      const { baseUrl, tokens, prefix } = loadTarget(target);
      const request = scenarios(prefix)[scenario];
      const load = (seconds) => runLoad({ baseUrl, tokens, scenario: request, seconds, connections: options.connections });
      progress.step(label.key, `${label.text}: warm-up ${options.warmup}s`);
      if (options.warmup > 0) {
        const warm = await load(options.warmup);
        if (target === 'plinth') {
          acknowledge('plinth', countStatus(warm, 201));
          if (scenario === 'create') await drainBacklog(system, label.key, label.text);
        }
      }
      const metered = scenario === 'create' && target !== 'orm';
      const meter = metered ? cpuMeterOf(target) : undefined;
      await meter?.start();
      progress.step(label.key, `${label.text}: measuring ${options.duration}s`);
      const result = await load(options.duration);
      if (target === 'plinth') acknowledge('plinth', countStatus(result, 201));
      const summary = summarizeLoad(scenario, target, result);
      if (scenario === 'create' && target === 'plinth') summary.backlogDrainMs = await drainBacklog(system, label.key, label.text);
      if (meter) summary.cpu = { ...cpuPerOperation(await meter.stop(), countStatus(result, 201)), load1: loadavg()[0] };
      const cpuText = summary.cpu?.totalMs === undefined ? '' : `, CPU ${summary.cpu.totalMs.toFixed(2)} ms/order`;
      progress.note(`  ${label.text}: ${summary.rps} req/s, p99 ${summary.p99_ms} ms, non-2xx ${summary.non2xx}, errors ${summary.errors}${cpuText}`);
      if (summary.total === 0) progress.note(`  WARNING: no request of ${label.text} completed within ${options.duration}s (machine saturated? see load average)`);
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
      // Open loop and SSE are measured at half the saturated create rate, so the create runs come first.
      if (scenario === 'create' && wants('openloop')) results.openloop = await measureOpenLoop();
    }
    if (wants('openloop') && !results.openloop) results.openloop = await measureOpenLoop();

    /**
     * POST /v1/orders at a constant arrival rate, half of Plinth's saturated create rate in this run,
     * alternating with the raw monolith at the same rate. Plinth's orders rotate over users with an open
     * SSE stream, so the same run gives order created → notification on the stream.
     */
    async function measureOpenLoop() {
      progress.step('openloop-setup', 'open loop: choosing the rate, opening the SSE streams');
      const createRate = median(results.create?.plinth.map((run) => run.rps) ?? []);
      let rate = options.rate;
      if (rate === undefined && createRate === undefined) {
        progress.step('openloop-setup', 'open loop: measuring the saturated create rate first (no create results in this run)');
        const probe = await runLoad({ baseUrl: system.gatewayUrl, tokens: http.plinthTokens, scenario: scenarios('/v1').create, seconds: options.duration, connections: options.connections });
        acknowledge('plinth', countStatus(probe, 201));
        await drainBacklog(system, 'openloop-setup', 'open loop');
        rate = Math.max(1, Math.round(probe.requests.average / 2));
      }
      rate ??= Math.max(1, Math.round(createRate / 2));
      const streamTokens = http.plinthTokens.slice(0, options.streams);
      const record = { onNotification: () => {} };
      const closers = [];
      const openLoop = { rate, createRateMedian: createRate, streams: streamTokens.length, plinth: [], raw: [] };
      try {
        for (const token of streamTokens) closers.push(await openStream(system.gatewayUrl, token, (...event) => record.onNotification(...event)));
        const seconds = Math.max(options.duration, 5);
        for (let round = 1; round <= options.rounds; round++) {
          for (const target of orderForRound(['plinth', 'raw'], round)) {
            const text = `open loop round ${round}/${options.rounds}: ${target === 'plinth' ? 'Plinth (+ SSE)' : 'monolith raw'} at ${rate}/s`;
            progress.step(`openloop-${round}`, text);
            if (target === 'plinth') {
              if (options.warmup > 0) acknowledge('plinth', (await measureNotificationLatency({ baseUrl: system.gatewayUrl, tokens: streamTokens, seconds: options.warmup, rate, record })).created);
              const meter = cpuMeterOf('plinth');
              await meter.start();
              const sse = await measureNotificationLatency({ baseUrl: system.gatewayUrl, tokens: streamTokens, seconds, rate, record });
              acknowledge('plinth', sse.created);
              await drainBacklog(system, `openloop-${round}`, text);
              const cpu = cpuPerOperation(await meter.stop(), sse.created);
              const { post, ...stream } = sse;
              openLoop.plinth.push({ post, sse: stream, cpu });
              progress.note(`  ${text}: p50 ${post.p50_ms} ms, p99 ${post.p99_ms} ms, achieved ${post.achievedRate}/s; created → SSE p99 ${stream.created_to_stream.p99_ms} ms, lost ${stream.lost}`);
            } else {
              const monolith = http.monoliths.raw;
              const client = keepAliveClient(monolith.url);
              const requestOf = (i) => ({ method: 'POST', path: '/orders', headers: { 'content-type': 'application/json', authorization: `Bearer ${http.monolithTokens[i % http.monolithTokens.length]}` }, body: scenarios('').create.body });
              try {
                if (options.warmup > 0) await runOpenLoop({ client, rate, seconds: options.warmup, requestOf });
                const post = await runOpenLoop({ client, rate, seconds, requestOf });
                openLoop.raw.push({ post });
                progress.note(`  ${text}: p50 ${post.p50_ms} ms, p99 ${post.p99_ms} ms, achieved ${post.achievedRate}/s`);
              } finally {
                client.close();
              }
            }
          }
        }
      } finally {
        for (const close of closers) close();
      }
      return openLoop;
    }

    if (wants('products')) {
      progress.step('products-setup', 'product reads: starting two more gateways on Redis, cache on and off');
      const gateways = await startProductGateways(testing, system, SYSTEM_READY_TIMEOUT_MS);
      cleanups.push(() => gateways.stop());
      results.products = await measureProductReads({
        urls: gateways.urls,
        tokens: http.plinthTokens,
        rounds: options.rounds,
        warmup: options.warmup,
        seconds: options.duration,
        connections: options.connections,
        orderForRound,
        onStep: (round, face) => progress.step(`products-${round}`, `product reads round ${round}/${options.rounds}: cache ${face === 'cached' ? 'on' : 'off'}`),
        onRun: (round, face, run) => progress.note(`  product reads round ${round}: cache ${face === 'cached' ? 'on' : 'off'}: ${run.rps} req/s, p99 ${run.p99_ms} ms, non-2xx ${run.non2xx}${run.cache ? `, hits ${run.cache.hits} misses ${run.cache.misses} errors ${run.cache.errors}` : ''}`),
      });
    }

    if (wants('rpc')) results.rpc = await measureRpc(testing, progress, cleanups);

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
      let receiverTicks = 0;
      let tracedOrders = 0;
      for (let round = 1; round <= options.rounds; round++) {
        for (const mode of orderForRound(['off', 'on'], round)) {
          const [target, tokens] = mode === 'on' ? [traced, tracedTokens] : [system, http.plinthTokens];
          const name = mode === 'on' ? 'traced' : 'plinth';
          const load = (seconds) => runLoad({ baseUrl: target.gatewayUrl, tokens, scenario: create, seconds, connections: options.connections });
          progress.step(`tracing-${round}`, `tracing round ${round}/${options.rounds}: create with tracing ${mode}`);
          if (options.warmup > 0) {
            acknowledge(name, countStatus(await load(options.warmup), 201));
            await drainBacklog(target, `tracing-${round}`, `tracing ${mode}`);
          }
          const meter = new CpuMeter(plinthGroups(target, brokerPid));
          await meter.start();
          const receiverBefore = readProcessTimes(receiver.pid)?.ticks ?? 0;
          const result = await load(options.duration);
          const created = countStatus(result, 201);
          acknowledge(name, created);
          const backlogDrainMs = await drainBacklog(target, `tracing-${round}`, `tracing ${mode}`);
          const cpu = cpuPerOperation(await meter.stop(), created);
          if (mode === 'on') {
            receiverTicks += (readProcessTimes(receiver.pid)?.ticks ?? 0) - receiverBefore;
            tracedOrders += created;
          }
          runs[mode].push({ ...summarizeLoad('create', `tracing-${mode}`, result), backlogDrainMs, cpu });
          progress.note(`  tracing ${mode}: ${runs[mode].at(-1).rps} req/s, p99 ${runs[mode].at(-1).p99_ms} ms, CPU ${cpu.totalMs === undefined ? '—' : cpu.totalMs.toFixed(2)} ms/order`);
        }
      }
      results.tracing = { ...runs, spansReceived: await receiver.spanCount(), receiverCpuMs: tracedOrders > 0 ? (receiverTicks * 1000) / CLOCK_TICKS_PER_SECOND / tracedOrders : undefined };
      if (results.tracing.spansReceived === 0) progress.note('  WARNING: tracing on, but the receiver got no spans: the "on" figures are not traced');
    }

    if (wants('graphql')) results.graphql = await measureGraphql(system, http.plinthTokens, progress, acknowledge, drainBacklog);

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
  console.log(`services: ${SERVICES.join(', ')}; broker: ${results.broker ?? 'shared'}`);
  console.log(`load average before ${machine.before.loadavg.join(' ')}, after ${machine.after.loadavg.join(' ')}; ${options.rounds} round(s) × ${options.duration}s, ${options.connections} connections${options.quick ? ' (--quick: not meaningful)' : ''}\n`);
  console.log(formatTable(results.rows));
  console.log(`\nratios: median of the per-round ratios (rounds alternate the order of Plinth and yardstick)`);
  const judged = results.rows.filter((row) => row.met === 'yes' || row.met === 'NO');
  console.log(`targets met: ${judged.filter((row) => row.met === 'yes').length} of ${judged.length}`);
  if (results.graphql) {
    console.log('\nGraphQL vs REST on the same gateway (req/s, median of the per-round ratios; target >= 0.8x):');
    for (const [name, pair] of Object.entries(results.graphql)) {
      console.log(`  ${pair.label}: ${pair.graphqlRps} vs ${pair.restRps} req/s -> ${pair.ratio.toFixed(2)}x (p99 ${pair.graphqlP99} vs ${pair.restP99} ms) ${pair.ratio >= 0.8 ? 'met' : 'NOT MET'} [${name}]`);
    }
  }
  console.log(`raw results: ${file}`);
}

/**
 * The same task both ways on one system, alternating REST and GraphQL each round: `myOrders(first: 20)` vs
 * `GET /v1/orders?limit=20`, and `placeOrder` vs `POST /v1/orders`. A GraphQL answer with `errors` is still HTTP 200,
 * so each GraphQL request is tried once first and must come back with data and no error. As in the create measure,
 * each create run waits for the notification backlog to drain, so it never runs during the other face's turn.
 */
async function measureGraphql(system, tokens, progress, acknowledge, drainBacklog) {
  const rest = scenarios('/v1');
  const graphql = graphqlScenarios();
  const pairs = { list: 'myOrders(first: 20) vs GET /v1/orders?limit=20', create: 'placeOrder vs POST /v1/orders' };
  for (const scenario of Object.keys(pairs)) {
    const res = await fetch(`${system.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` }, body: graphql[scenario].body });
    const answer = await res.json();
    if (res.status !== 200 || answer.errors || !answer.data) throw new Error(`graphql ${scenario}: HTTP ${res.status} ${JSON.stringify(answer)}`);
    if (scenario === 'create') acknowledge('plinth', 1);
  }
  const results = {};
  for (const [scenario, label] of Object.entries(pairs)) {
    const runs = { rest: [], graphql: [] };
    for (let round = 1; round <= options.rounds; round++) {
      for (const face of orderForRound(['rest', 'graphql'], round)) {
        const request = face === 'rest' ? rest[scenario] : graphql[scenario];
        // REST answers a created order with 201, GraphQL with 200.
        const success = face === 'rest' && scenario === 'create' ? 201 : 200;
        const key = `graphql-${scenario}-${round}-${face}`;
        const text = `graphql round ${round}/${options.rounds}: ${scenario} over ${face === 'rest' ? 'REST' : 'GraphQL'}`;
        const load = async (seconds) => {
          const result = await runLoad({ baseUrl: system.gatewayUrl, tokens, scenario: request, seconds, connections: options.connections });
          if (scenario === 'create') {
            acknowledge('plinth', countStatus(result, success));
            await drainBacklog(system, key, text);
          }
          return result;
        };
        progress.step(key, text);
        if (options.warmup > 0) await load(options.warmup);
        const summary = summarizeLoad(scenario, face, await load(options.duration));
        runs[face].push(summary);
        progress.note(`  ${scenario} over ${face}: ${summary.rps} req/s, p99 ${summary.p99_ms} ms, non-2xx ${summary.non2xx}, errors ${summary.errors}`);
      }
    }
    const ratios = runs.graphql.map((run, index) => run.rps / Math.max(1, runs.rest[index].rps));
    results[scenario] = {
      label,
      runs,
      ratio: median(ratios),
      graphqlRps: median(runs.graphql.map((run) => run.rps)),
      restRps: median(runs.rest.map((run) => run.rps)),
      graphqlP99: median(runs.graphql.map((run) => run.p99_ms)),
      restP99: median(runs.rest.map((run) => run.p99_ms)),
    };
  }
  return results;
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

/** The OTLP receiver in its own process (see otlp-receiver.process.mjs). */
async function startOtlpReceiver() {
  const child = fork(join(here, 'lib', 'otlp-receiver.process.mjs'), [], { execPath: node, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const nextMessage = () => new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
  });
  const { url } = await nextMessage();
  return {
    url,
    pid: child.pid,
    spanCount: async () => {
      const reply = nextMessage();
      child.send('count');
      return (await reply).spans;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
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
