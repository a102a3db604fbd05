// What TLS costs on `POST /v1/orders`: the same system twice on the same private nodes — once plaintext
// (http, amqp://, PostgreSQL without TLS), once TLS on every hop (https with the modern suites, amqps with client
// certificates, sslmode=verify-full) — loaded alternately in one run, so the ratio holds on a shared machine.
// Both systems run side by side (the idle one costs little); Redis is left out of both (per-replica limits).
//
// usage: node_modules/.bin/node tools/bench/tls-cost.mjs [--duration 10] [--warmup 2] [--rounds 3]
//          [--connections 64] [--users 20] [--scenario create|list|profile]      (after npx tsc -b tsconfig.json)
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSystem, startTlsInfrastructure, trustTestCa } from '@plinth/testing';
import { benchSystemEnv, registerUsers, runLoad, scenarios, summarizeLoad } from './lib/http-load.mjs';
import { median } from './lib/report.mjs';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    users: { type: 'string', default: '20' },
    scenario: { type: 'string', default: 'create' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: node_modules/.bin/node tools/bench/tls-cost.mjs [options]
  --duration S     seconds per measured run (default 10)      --warmup S     warm-up before each run (default 2)
  --rounds N       alternating TLS off/on rounds (default 3)  --connections N concurrent connections (default 64)
  --users N        users whose tokens the load rotates (20)   --scenario     create (default), list or profile`);
  process.exit(0);
}
const scenario = scenarios('/v1')[args.scenario];
if (!scenario) throw new Error(`unknown --scenario ${args.scenario}`);
const [duration, warmup, rounds, connections, users] = ['duration', 'warmup', 'rounds', 'connections', 'users'].map((name) => Number(args[name]));

const dir = mkdtempSync(join(tmpdir(), 'plinth-bench-tls-'));
chmodSync(dir, 0o755);
const systems = {};
let infra;
const stopAll = async () => {
  await Promise.allSettled(Object.values(systems).map((system) => system.stop()));
  await infra?.stop();
  rmSync(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

try {
  infra = await startTlsInfrastructure(join(dir, 'infra'), { plaintextToo: true });
  trustTestCa(infra.ca.caFile);
  // The plaintext twin: the same nodes through their plain listener / pg_hba `host` entry.
  const plainInfrastructure = {
    createVhost: async (label) => {
      const vhost = await infra.createVhost(label);
      return { ...vhost, url: vhost.url.replace(/^amqps:\/\/([^@]*@)127\.0\.0\.1:\d+/, `amqp://$1127.0.0.1:${infra.rabbit.port}`) };
    },
    createDatabase: async (label) => {
      const database = await infra.createDatabase(label);
      return { ...database, url: database.url.replace('?sslmode=verify-full', '') };
    },
  };
  const tlsEnv = Object.fromEntries(Object.entries(infra.env).filter(([name]) => !name.startsWith('REDIS_')));
  const started = { readyTimeoutMs: 240_000, serviceEnv: { auth: { ACCESS_TOKEN_TTL_SECONDS: '3600' } } };
  console.error('starting the plaintext and the TLS system on the same private nodes…');
  systems.plain = await startSystem({ ...started, env: benchSystemEnv(), infrastructure: plainInfrastructure });
  systems.tls = await startSystem({ ...started, env: { ...benchSystemEnv(), ...tlsEnv }, infrastructure: infra });
  const tokens = {
    plain: await registerUsers(systems.plain.gatewayUrl, users, 'plain'),
    tls: await registerUsers(systems.tls.gatewayUrl, users, 'tls'),
  };
  const results = { plain: [], tls: [] };
  for (let round = 1; round <= rounds; round++) {
    // Alternate which goes first, so neither always runs on a warmer (or more loaded) machine.
    for (const variant of round % 2 === 1 ? ['plain', 'tls'] : ['tls', 'plain']) {
      const baseUrl = systems[variant].gatewayUrl;
      if (warmup > 0) await runLoad({ baseUrl, tokens: tokens[variant], scenario, seconds: warmup, connections });
      const result = summarizeLoad(args.scenario, baseUrl, await runLoad({ baseUrl, tokens: tokens[variant], scenario, seconds: duration, connections }));
      results[variant].push(result);
      console.error(`round ${round} ${variant.padEnd(5)} ${result.rps} req/s  p50 ${result.p50_ms} ms  p99 ${result.p99_ms} ms  non-2xx ${result.non2xx}  errors ${result.errors}`);
    }
  }
  const ratios = results.tls.map((tls, index) => tls.rps / results.plain[index].rps);
  const p99Ratios = results.tls.map((tls, index) => tls.p99_ms / results.plain[index].p99_ms);
  const summary = {
    scenario: `${scenario.method} ${scenario.path}`,
    plainRps: median(results.plain.map((r) => r.rps)),
    tlsRps: median(results.tls.map((r) => r.rps)),
    rpsRatio: Number(median(ratios).toFixed(3)),
    plainP99Ms: median(results.plain.map((r) => r.p99_ms)),
    tlsP99Ms: median(results.tls.map((r) => r.p99_ms)),
    p99Ratio: Number(median(p99Ratios).toFixed(3)),
    failures: [...results.plain, ...results.tls].reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
  };
  console.log(`\n| ${summary.scenario} | TLS off | TLS on | TLS on / off |\n|---|---|---|---|\n| req/s (median of ${rounds}) | ${summary.plainRps} | ${summary.tlsRps} | ${summary.rpsRatio}× |\n| p99 ms | ${summary.plainP99Ms} | ${summary.tlsP99Ms} | ${summary.p99Ratio}× |\n| non-2xx + errors | ${summary.failures} | | |`);
  const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `tls-cost-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavg: loadavg(), node: process.version }, duration, warmup, rounds, connections, users, summary, results }, null, 2));
  console.error(`results written to ${file}`);
} finally {
  await stopAll();
}
