#!/usr/bin/env node
// Fault scenarios under load on a private broker and database (issue 9). Prints progress, then a table:
// scenario, load sent, 2xx, non-2xx by status, lost, duplicated, recovery time, verdict.
//
// usage: node_modules/.bin/node tools/chaos/chaos.mjs [scenario...] [--long] [--rate 40] [--json FILE]
// Scenarios (default: all): see SCENARIO_ORDER. Services must be built (npx tsc -b tsconfig.json).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { formatTable, runChaos, SCENARIO_ORDER } from './run-chaos.mjs';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { long: { type: 'boolean', default: false }, rate: { type: 'string', default: '40' }, json: { type: 'string' } },
});
const unknown = positionals.filter((name) => !SCENARIO_ORDER.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIO_ORDER.join(', ')}\n`);
  process.exit(2);
}

const tty = process.stdout.isTTY;
let statusLine = '';
const progress = {
  log: (line) => {
    if (tty && statusLine) process.stdout.write('\r\x1b[2K');
    process.stdout.write(`${line}\n`);
    if (tty && statusLine) process.stdout.write(statusLine);
  },
  status: (line) => {
    statusLine = line;
    if (tty) process.stdout.write(`\r\x1b[2K${line}`);
  },
};

const results = await runChaos({ scenarios: positionals.length > 0 ? positionals : SCENARIO_ORDER, long: options.long, rate: Number(options.rate), progress });
if (tty) process.stdout.write('\r\x1b[2K');
process.stdout.write(`\n${formatTable(results)}\n`);
for (const result of results) {
  const failed = result.checks.filter((c) => !c.ok);
  process.stdout.write(`\n${result.scenario}: ${failed.length === 0 ? 'PASS' : 'FAIL'}\n`);
  for (const c of result.checks) process.stdout.write(`  ${c.ok ? '✓' : '✗'} ${c.name}${c.detail ? ` — ${c.detail}` : ''}\n`);
  for (const note of result.notes ?? []) process.stdout.write(`  · ${note}\n`);
}
process.stdout.write(`\nmachine: ${cpus().length} cores (${cpus()[0]?.model}), load ${loadavg().map((n) => n.toFixed(1)).join(' ')}\n`);
if (options.json) writeFileSync(options.json, JSON.stringify(results, null, 2));
process.exit(results.every((result) => result.checks.every((c) => c.ok)) ? 0 : 1);

