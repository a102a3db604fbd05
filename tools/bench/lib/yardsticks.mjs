// The fixed yardsticks of /work/shared/bench (read-only there) copied into a gitignored cache inside the
// repo, so `amqplib` resolves for rpc-baseline.mjs (up to the root node_modules) and the monolith gets its
// own locked dependencies (npm ci, once per package-lock change).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';

export const SHARED_BENCH = process.env.PLINTH_YARDSTICKS ?? '/work/shared/bench';
const MONOLITH_FILES = ['server.mjs', 'bench.mjs', 'package.json', 'package-lock.json'];

/** Copies `name` from the shared folder when missing or changed; returns whether it changed. */
function syncFile(from, to) {
  const source = readFileSync(from);
  if (existsSync(to) && readFileSync(to).equals(source)) return false;
  rmSync(to, { force: true });
  writeFileSync(to, source, { mode: 0o644 });
  return true;
}

/** Runs a command to completion, keeping its output for the error message. */
export function runCommand(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.slice(-4000)}`));
    });
  });
}

/** Ensures the cache holds current copies; `npm ci` in the monolith copy when its lock changed or it never ran. */
export async function prepareYardsticks(cacheDir, root, { monolith }) {
  if (!existsSync(join(SHARED_BENCH, 'rpc-baseline.mjs'))) throw new Error(`yardsticks not found in ${SHARED_BENCH} (set PLINTH_YARDSTICKS)`);
  mkdirSync(join(cacheDir, 'monolith'), { recursive: true });
  syncFile(join(SHARED_BENCH, 'rpc-baseline.mjs'), join(cacheDir, 'rpc-baseline.mjs'));
  if (!monolith) return;
  const monolithDir = join(cacheDir, 'monolith');
  let lockChanged = false;
  for (const file of MONOLITH_FILES) {
    const changed = syncFile(join(SHARED_BENCH, 'monolith', file), join(monolithDir, file));
    if (file === 'package-lock.json') lockChanged = changed;
  }
  if (lockChanged || !existsSync(join(monolithDir, 'node_modules', '@nestjs', 'core'))) {
    // The system npm with Node 24 first on PATH, as `npm run` would set it up.
    const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };
    await runCommand('npm', ['ci', '--no-audit', '--no-fund'], { cwd: monolithDir, env });
  }
}

/** One run of rpc-baseline.mjs; resolves with its JSON line. */
export async function runRpcBaseline({ cacheDir, node, amqpUrl, requests, inflight }) {
  const output = await runCommand(node, [join(cacheDir, 'rpc-baseline.mjs'), String(requests), String(inflight)], {
    cwd: cacheDir,
    env: { ...process.env, AMQP_URL: amqpUrl, NODE_OPTIONS: '' },
  });
  return lastJsonLine(output);
}

export function lastJsonLine(output) {
  const line = output.trim().split('\n').reverse().find((candidate) => candidate.startsWith('{'));
  if (!line) throw new Error(`no JSON result in output:\n${output.slice(-2000)}`);
  return JSON.parse(line);
}

/** A key pair and `count` customer tokens for the monolith (it verifies ES256 against JWT_PUBLIC_KEY). */
export async function monolithCredentials(count) {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const tokens = await Promise.all(Array.from({ length: count }, () =>
    new SignJWT({ roles: ['customer'] }).setProtectedHeader({ alg: 'ES256' }).setSubject(randomUUID()).setExpirationTime('4h').sign(privateKey)));
  return { publicKeyPem: await exportSPKI(publicKey), tokens };
}

/** Starts the monolith's server.mjs (it recreates its schema) and resolves once it prints "ready". */
export function startMonolith({ cacheDir, node, mode, databaseUrl, publicKeyPem, port }) {
  const spawnedAt = performance.now();
  const child = spawn(node, ['server.mjs'], {
    cwd: join(cacheDir, 'monolith'),
    env: { ...process.env, NODE_OPTIONS: '', MODE: mode, DATABASE_URL: databaseUrl, JWT_PUBLIC_KEY: publicKeyPem, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error(`monolith (${mode}) not ready within 60 s:\n${output}`)); }, 60_000);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (/ready/.test(output)) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}`, pid: child.pid, startToReadyMs: Math.round(performance.now() - spawnedAt), stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`monolith (${mode}) exited with ${code} before ready:\n${output}`));
    });
  });
}
