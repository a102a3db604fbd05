// Load test of the orders path through the whole system: gateway (JWT check, validation) → RPC over
// RabbitMQ → orders (Postgres transaction + outbox). Same scenarios, body and output fields as the
// fixed monolith yardstick (/work/shared/bench/monolith/bench.mjs), so the two compare line by line.
// tools/bench/bench.mjs runs it against the yardsticks in one go; this script is the Plinth side alone.
//
// usage: node tools/bench/orders.mjs [--url http://127.0.0.1:3000] [--start-system]
//          [--users 50] [--connections 64] [--duration 10] [--warmup 2] [--scenarios create,list]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchSystemEnv, registerUsers, runLoad, scenarios, summarizeLoad } from './lib/http-load.mjs';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.PLINTH_URL },
    'start-system': { type: 'boolean', default: false },
    users: { type: 'string', default: '50' },
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    scenarios: { type: 'string', default: 'create,list' },
  },
});
const users = Number(args.users);
const connections = Number(args.connections);
const duration = Number(args.duration);
const warmup = Number(args.warmup);

const SCENARIOS = scenarios('/v1');

async function startOwnSystem() {
  // The built @plinth/testing (dist) spawns every service as its own process on throwaway DBs + vhost.
  const { startSystem } = await import('@plinth/testing');
  // Five services booting at once on two shared cores can take well over a minute.
  return startSystem({ env: benchSystemEnv(), readyTimeoutMs: 180_000 });
}

const run = (baseUrl, tokens, scenario, seconds) => runLoad({ baseUrl, tokens, scenario, seconds, connections });

let system;
// Ctrl-C must not leave five services and their databases behind.
process.once('SIGINT', () => void (system?.stop() ?? Promise.resolve()).finally(() => process.exit(130)));
try {
  if (args['start-system']) system = await startOwnSystem();
  const baseUrl = system?.gatewayUrl ?? args.url ?? 'http://127.0.0.1:3000';
  const tokens = await registerUsers(baseUrl, users);
  const results = [];
  for (const name of args.scenarios.split(',')) {
    const scenario = SCENARIOS[name];
    if (!scenario) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    if (warmup > 0) await run(baseUrl, tokens, scenario, warmup);
    const result = summarizeLoad(name, baseUrl, await run(baseUrl, tokens, scenario, duration));
    console.log(JSON.stringify(result));
    results.push(result);
  }
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), loadavg: loadavg(), node: process.version };
  const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `orders-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, users, connections, duration, warmup, results }, null, 2));
  console.log(`results written to ${file}`);
} finally {
  await system?.stop();
}
