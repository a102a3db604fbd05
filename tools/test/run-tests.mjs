#!/usr/bin/env node
// `npm test`: build every project, run every vitest project, end with the line `N passed, N failed`.
// The build counts as one check; `npm test -- --checks` (CI) also runs lint and typecheck first and
// counts each as one check. Other arguments go to vitest (`npm test -- libs/persistence`).
// Exit status is non-zero on any failure and when no test ran at all.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarizeVitestReport } from './vitest-report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const withChecks = process.argv.includes('--checks');
const vitestArgs = process.argv.slice(2).filter((arg) => arg !== '--checks');
const resultsFile = join(root, 'tmp', 'test-results', 'vitest.json');

const tally = { passed: 0, failed: 0, skipped: 0, testsRun: 0 };
const skips = [];
const failures = [];

function run(label, command, args) {
  process.stdout.write(`\n▶ ${label}: ${[command, ...args].map((part) => part.replace(root + '/', '')).join(' ')}\n`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' } });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`◀ ${label}: ${code === 0 ? 'ok' : `failed (${signal ?? `exit ${code}`})`} in ${seconds}s\n`);
      resolve(code === 0);
    });
  });
}

function check(name, ok) {
  if (ok) tally.passed += 1;
  else {
    tally.failed += 1;
    failures.push(`check: ${name}`);
  }
}

function finish() {
  if (tally.testsRun === 0) {
    tally.failed += 1;
    failures.push('no tests ran');
  }
  if (failures.length > 0) {
    process.stdout.write(`\nFailures:\n${failures.map((failure) => `  ✗ ${failure}`).join('\n')}\n`);
  }
  if (tally.skipped > 0) process.stdout.write(`\n${tally.skipped} skipped (not passed):\n${skips.map((skip) => `  - ${skip}`).join('\n')}\n`);
  process.stdout.write(`\n${tally.passed} passed, ${tally.failed} failed\n`);
  process.exit(tally.failed === 0 ? 0 : 1);
}

function countVitest() {
  if (!existsSync(resultsFile)) {
    tally.failed += 1;
    failures.push('vitest produced no report (crashed before running tests?)');
    return;
  }
  const summary = summarizeVitestReport(JSON.parse(readFileSync(resultsFile, 'utf8')), root);
  tally.passed += summary.passed;
  tally.failed += summary.failed;
  tally.skipped += summary.skipped;
  tally.testsRun += summary.testsRun;
  failures.push(...summary.failures);
  skips.push(...summary.skips);
}

// A failed build is one failure; the tests still run, so one broken app does not hide everything else.
check('build', await run('build', bin('nx'), ['run-many', '-t', 'build', '--parallel=2', '--output-style=stream-without-prefixes']));
if (withChecks) {
  check('lint', await run('lint', 'npm', ['run', '--silent', 'lint']));
  check('typecheck', await run('typecheck', 'npm', ['run', '--silent', 'typecheck']));
}

rmSync(resultsFile, { force: true });
mkdirSync(dirname(resultsFile), { recursive: true });
await run('tests', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...vitestArgs]);
countVitest();
finish();
