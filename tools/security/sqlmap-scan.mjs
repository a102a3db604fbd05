#!/usr/bin/env node
// SQL-injection scan of the running system with sqlmap (Debian package `sqlmap`). Starts its own
// system (built apps, throw-away databases and vhost; rate limits raised so sqlmap's hundreds of
// requests are answered, not throttled), seeds a user and an order, then points sqlmap at the login
// body, the orders list filters and the order id in the path. Exits 1 if sqlmap reports anything
// injectable. Usage: npx tsc -b tsconfig.json && node_modules/.bin/node tools/security/sqlmap-scan.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem } from '@plinth/testing';

const ADMIN = { email: 'sqlmap-admin@example.com', password: 'sqlmap admin password 01' };
const UNLIMITED = '1000000';
const SQLMAP_ARGS = ['--batch', '--level=2', '--risk=1', '--technique=BEUST', '--time-sec=2', '--threads=2', '--disable-coloring'];

const json = async (response) => ({ status: response.status, body: await response.json().catch(() => null) });

async function seed(gatewayUrl) {
  const user = { email: `sqlmap-${Date.now()}@example.com`, password: 'violet harbour tram 1931', displayName: 'sqlmap' };
  const post = (path, body, token) =>
    fetch(`${gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const registered = await json(await post('/v1/auth/register', user));
  if (registered.status !== 201) throw new Error(`register failed: ${JSON.stringify(registered)}`);
  const token = registered.body.accessToken;
  const order = await json(await post('/v1/orders', { currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 100 }] }, token));
  if (order.status !== 201) throw new Error(`order failed: ${JSON.stringify(order)}`);
  return { user, token, orderId: order.body.id };
}

function scan(label, args, outputDir) {
  const started = Date.now();
  const run = spawnSync('sqlmap', [...SQLMAP_ARGS, `--output-dir=${outputDir}`, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${run.stdout}\n${run.stderr}`;
  const vulnerable = /is vulnerable|sqlmap identified the following injection point|Parameter: .* \((GET|POST|URI|JSON|Custom)\)\n\s+Type:/i.test(output);
  const clean = /do not appear to be injectable|does not seem to be injectable/i.test(output);
  const verdict = vulnerable ? 'INJECTABLE' : clean ? 'not injectable' : `inconclusive (exit ${run.status})`;
  process.stdout.write(`${label}: ${verdict} (${Math.round((Date.now() - started) / 1000)} s)\n`);
  if (!vulnerable && !clean) process.stdout.write(output.split('\n').slice(-25).join('\n') + '\n');
  return vulnerable;
}

const system = await startSystem({
  readyTimeoutMs: 150_000,
  env: {
    ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password,
    RATE_LIMIT_PER_MINUTE: UNLIMITED, AUTH_RATE_LIMIT_PER_MINUTE: UNLIMITED, LOGIN_ATTEMPTS_PER_ACCOUNT: UNLIMITED, LOGIN_FREE_FAILURES: UNLIMITED,
  },
});
let found = false;
try {
  const { user, token, orderId } = await seed(system.gatewayUrl);
  const outputDir = mkdtempSync(join(tmpdir(), 'plinth-sqlmap-'));
  const auth = `Authorization: Bearer ${token}`;
  const base = system.gatewayUrl;
  const targets = [
    ['POST /v1/auth/login (email, password)', ['-u', `${base}/v1/auth/login`, '--method=POST', `--data={"email":"${user.email}","password":"${user.password}"}`, '-H', 'Content-Type: application/json']],
    ['GET /v1/orders (status, limit, cursor)', ['-u', `${base}/v1/orders?status=pending&limit=10&cursor=abc`, '-H', auth, '-p', 'status,limit,cursor']],
    ['GET /v1/orders (userId filter)', ['-u', `${base}/v1/orders?userId=${orderId}`, '-H', auth, '-p', 'userId']],
    ['GET /v1/orders/:id (path id)', ['-u', `${base}/v1/orders/${orderId}*`, '-H', auth]],
  ];
  for (const [label, args] of targets) found = scan(label, args, outputDir) || found;
  process.stdout.write(found ? 'sqlmap found an injection point\n' : 'sqlmap: nothing injectable\n');
} finally {
  await system.stop();
}
process.exit(found ? 1 : 0);
