// Latency of the live notification path: POST /v1/orders → orders (transaction + outbox) → broker →
// notifications (inbox, notification + outbox) → broker → gateway (broadcast queue) → SSE frame.
// Open-loop steady load: orders are sent on a fixed schedule (--rate per second, round-robin over
// --users users, each with an open stream), whatever the answers' timing, so a slow system shows
// as latency rather than as a lower offered load.
//
// usage: node tools/bench/notifications-latency.mjs [--url http://127.0.0.1:3000] [--start-system]
//          [--users 10] [--rate 20] [--duration 20] [--warmup 3]
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.PLINTH_URL },
    'start-system': { type: 'boolean', default: false },
    users: { type: 'string', default: '10' },
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
  },
});
const users = Number(args.users);
const rate = Number(args.rate);
const duration = Number(args.duration);
const warmup = Number(args.warmup);
// Notifications still in flight when the schedule ends get this long to arrive before counting as lost.
const DRAIN_MS = 10_000;

const orderBody = JSON.stringify({ currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250 }] });

function benchEnv() {
  return { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000', AUTH_RATE_LIMIT_PER_MINUTE: '100000000' };
}

async function register(baseUrl, i) {
  const res = await fetch(`${baseUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-stream-${i}-${randomUUID().slice(0, 8)}@example.com`, password: 'bench password 0001', displayName: `Bench ${i}` }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return (await res.json()).accessToken;
}

/** Opens the user's stream and calls onOrderNotification(orderId, receivedAt, storedToStreamMs) for each order.created event. */
async function openStream(baseUrl, token, onOrderNotification) {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/v1/notifications/stream`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (res.status !== 200) throw new Error(`stream refused: ${res.status} ${await res.text()}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const receivedAt = performance.now();
        const receivedWallClock = Date.now();
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((line) => line.startsWith('data: '));
          if (!frame.includes('event: notification') || !data) continue;
          const notification = JSON.parse(data.slice(6));
          // createdAt = when notifications stored it (same machine clock): splits the two broker hops.
          if (notification.type === 'order.created') onOrderNotification(notification.data.orderId, receivedAt, receivedWallClock - Date.parse(notification.createdAt));
        }
      }
    } catch {
      // aborted at the end of the run
    }
  })();
  return () => abort.abort();
}

const percentile = (sorted, p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
const round = (value) => (value === null ? null : Math.round(value * 10) / 10);
const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50_ms: round(percentile(sorted, 50)), p90_ms: round(percentile(sorted, 90)), p99_ms: round(percentile(sorted, 99)), max_ms: round(sorted.at(-1) ?? null) };
};

async function measure(baseUrl, tokens, seconds, record) {
  const sent = new Map(); // orderId → { requestedAt, createdAt }
  const arrived = new Map(); // orderId → receivedAt, for events that beat their POST answer
  const samples = { fromRequest: [], fromCreated: [], fromStored: [] };
  let failures = 0;
  const settle = (orderId) => {
    const order = sent.get(orderId);
    const receivedAt = arrived.get(orderId);
    if (!order || receivedAt === undefined) return;
    samples.fromRequest.push(receivedAt - order.requestedAt);
    samples.fromCreated.push(Math.max(0, receivedAt - order.createdAt));
    sent.delete(orderId);
    arrived.delete(orderId);
  };
  record.onNotification = (orderId, receivedAt, storedToStreamMs) => {
    samples.fromStored.push(Math.max(0, storedToStreamMs));
    arrived.set(orderId, receivedAt);
    settle(orderId);
  };
  const total = Math.round(seconds * rate);
  const start = performance.now();
  const inFlight = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const requestedAt = performance.now();
    inFlight.push(
      fetch(`${baseUrl}/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` },
        body: orderBody,
      }).then(async (res) => {
        const createdAt = performance.now();
        if (res.status !== 201) {
          failures++;
          await res.text();
          return;
        }
        const { id } = await res.json();
        sent.set(id, { requestedAt, createdAt });
        settle(id);
      }, () => failures++),
    );
  }
  await Promise.all(inFlight);
  const drainUntil = performance.now() + DRAIN_MS;
  while (sent.size > 0 && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 50));
  return { orders: total, received: samples.fromRequest.length, lost: sent.size, failedRequests: failures, request_to_stream: stats(samples.fromRequest), created_to_stream: stats(samples.fromCreated), stored_to_stream: stats(samples.fromStored) };
}

let system;
const closers = [];
process.once('SIGINT', () => void (system?.stop() ?? Promise.resolve()).finally(() => process.exit(130)));
try {
  if (args['start-system']) {
    const { startSystem } = await import('@plinth/testing');
    system = await startSystem({ env: benchEnv(), readyTimeoutMs: 180_000 });
  }
  const baseUrl = system?.gatewayUrl ?? args.url ?? 'http://127.0.0.1:3000';
  const tokens = [];
  for (let i = 0; i < users; i++) tokens.push(await register(baseUrl, i));
  const record = { onNotification: () => {} };
  for (const token of tokens) closers.push(await openStream(baseUrl, token, (...event) => record.onNotification(...event)));
  if (warmup > 0) await measure(baseUrl, tokens, warmup, record);
  const result = { users, rate_per_s: rate, duration_s: duration, ...(await measure(baseUrl, tokens, duration, record)) };
  console.log(JSON.stringify(result));
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), loadavg: loadavg(), node: process.version };
  const outDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `notifications-latency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, result }, null, 2));
  console.log(`results written to ${file}`);
} finally {
  for (const close of closers) close();
  await system?.stop();
}
