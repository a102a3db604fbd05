// Load test of the orders path through the whole system: gateway (JWT check, validation) → RPC over
// RabbitMQ → orders (Postgres transaction + outbox). Same scenarios, body and output fields as the
// fixed monolith yardstick (/work/shared/bench/monolith/bench.mjs), so the two compare line by line.
//
// usage: node tools/bench/orders.mjs [--url http://127.0.0.1:3000] [--start-system]
//          [--users 50] [--connections 64] [--duration 10] [--warmup 2] [--scenarios create,list]
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

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

// Identical to the monolith bench's body: two items, total computed server-side.
const orderBody = JSON.stringify({
  currency: 'EUR',
  items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250 }, { sku: 'SKU-2', quantity: 1, unitPrice: 99 }],
});

const SCENARIOS = {
  create: { method: 'POST', path: '/v1/orders', body: orderBody },
  list: { method: 'GET', path: '/v1/orders?limit=20' },
  // Not in the monolith: the cheapest authenticated round trip (one RPC, one primary-key read), i.e. the
  // gateway + RPC overhead that create and list pay on top of their own work.
  profile: { method: 'GET', path: '/v1/users/me' },
};

async function startOwnSystem() {
  // The built @plinth/testing (dist) spawns every service as its own process on throwaway DBs + vhost.
  const { startSystem } = await import('@plinth/testing');
  // Five services booting at once on two shared cores can take well over a minute.
  return startSystem({ env: benchEnv(), readyTimeoutMs: 180_000 });
}

/**
 * The bench is ONE client address hammering on purpose: the gateway's per-address limits (600/min,
 * 60/min on credential routes) would turn it into a 429 benchmark. Logs at warn keep I/O out of it.
 */
function benchEnv() {
  return { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000', AUTH_RATE_LIMIT_PER_MINUTE: '100000000' };
}

async function registerUsers(baseUrl, count) {
  const tokens = [];
  const registerOne = async (i) => {
    const res = await fetch(`${baseUrl}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${i}-${randomUUID().slice(0, 8)}@example.com`, password: 'bench password 0001', displayName: `Bench ${i}` }),
    });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
    tokens.push((await res.json()).accessToken);
  };
  // A few at a time: registration is argon2-bound by design and not what this bench measures.
  for (let i = 0; i < count; i += 4) await Promise.all(Array.from({ length: Math.min(4, count - i) }, (_, j) => registerOne(i + j)));
  return tokens;
}

function run(baseUrl, tokens, scenario, seconds) {
  let next = 0;
  const withNextToken = (request) => ({
    ...request,
    headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
  });
  return autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [{ ...scenario, setupRequest: withNextToken }],
  });
}

const summarize = (name, target, r) => ({
  scenario: name,
  target,
  rps: Math.round(r.requests.average),
  p50_ms: r.latency.p50,
  p99_ms: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  statusCodes: r.statusCodeStats,
  total: r.requests.total,
});

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
    const result = summarize(name, baseUrl, await run(baseUrl, tokens, scenario, duration));
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
