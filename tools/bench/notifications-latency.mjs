// Latency of the live notification path: POST /v1/orders → orders (transaction + outbox) → broker →
// notifications (inbox, notification + outbox) → broker → gateway (broadcast queue) → SSE frame.
// Open-loop steady load: orders are sent on a fixed schedule (--rate per second, round-robin over
// --users users, each with an open stream), whatever the answers' timing, so a slow system shows
// as latency rather than as a lower offered load.
//
// usage: node tools/bench/notifications-latency.mjs [--url http://127.0.0.1:3000] [--start-system]
//          [--users 10] [--rate 20] [--duration 20] [--warmup 3]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchSystemEnv, registerUser } from './lib/http-load.mjs';
import { measureNotificationLatency, openStream } from './lib/notification-latency.mjs';

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

let system;
const closers = [];
process.once('SIGINT', () => void (system?.stop() ?? Promise.resolve()).finally(() => process.exit(130)));
try {
  if (args['start-system']) {
    const { startSystem } = await import('@plinth/testing');
    system = await startSystem({ env: benchSystemEnv(), readyTimeoutMs: 180_000 });
  }
  const baseUrl = system?.gatewayUrl ?? args.url ?? 'http://127.0.0.1:3000';
  const tokens = [];
  for (let i = 0; i < users; i++) tokens.push(await registerUser(baseUrl, `stream-${i}`));
  const record = { onNotification: () => {} };
  for (const token of tokens) closers.push(await openStream(baseUrl, token, (...event) => record.onNotification(...event)));
  if (warmup > 0) await measureNotificationLatency({ baseUrl, tokens, seconds: warmup, rate, record });
  const result = { users, rate_per_s: rate, duration_s: duration, ...(await measureNotificationLatency({ baseUrl, tokens, seconds: duration, rate, record })) };
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
