import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Runs scenarios on as few systems as possible: one system per replica layout, scenarios in a fixed order,
// every service checked ready again between scenarios.
import { startChaosSystem } from './chaos-system.mjs';
import { registerUsers } from './order-load.mjs';
import { scenarios } from './scenarios.mjs';

const SINGLE = {};
const PAIRS = { gateway: 2, auth: 2, users: 2, orders: 2, notifications: 2, catalog: 2 };

/** Order of execution and the layout each scenario needs. */
const LAYOUT = {
  'broker-restart': SINGLE,
  'broker-kill': SINGLE,
  'consumer-kill': SINGLE,
  'catalog-kill': SINGLE,
  'database-outage': SINGLE,
  poison: SINGLE,
  'slow-consumer': SINGLE,
  'replica-kill': PAIRS,
  'graceful-shutdown': PAIRS,
};
export const SCENARIO_ORDER = Object.keys(LAYOUT);

export async function runChaos({ scenarios: names, long = false, rate = 40, users = 4, progress }) {
  const results = [];
  for (const layout of [SINGLE, PAIRS]) {
    const selected = SCENARIO_ORDER.filter((name) => names.includes(name) && LAYOUT[name] === layout);
    if (selected.length === 0) continue;
    progress.log(`▶ starting a system (${layout === PAIRS ? 'two replicas of every service' : 'one replica each'}) on a private broker and database`);
    const system = await startChaosSystem({ replicas: layout, log: (line) => progress.log(`  ${line}`) });
    try {
      const tokens = await registerUsers(system.gatewayUrls[0], users);
      for (const name of selected) {
        results.push(await runOne(name, { system, tokens, long, rate, progress }));
        await Promise.all(system.all().map((service) => service.waitUntilReady(60_000)));
      }
    } finally {
      progress.status('stopping the system');
      await system.stop();
    }
  }
  return results;
}

async function runOne(name, { system, tokens, long, rate, progress }) {
  const started = Date.now();
  let phase = 'starting';
  let load;
  const ticker = setInterval(() => {
    const records = load?.records ?? [];
    const ok = records.filter((record) => record.status >= 200 && record.status < 300).length;
    const failed = {};
    for (const record of records) if (!(record.status >= 200 && record.status < 300)) failed[record.status] = (failed[record.status] ?? 0) + 1;
    const failures = Object.entries(failed).map(([status, n]) => ` ${status}:${n}`).join('');
    progress.status(`  [${name}] ${((Date.now() - started) / 1000).toFixed(0)}s  ${phase}  sent ${records.length}  2xx ${ok}${failures}`);
  }, 500);
  const ctx = {
    system,
    tokens,
    long,
    rate,
    phase: (text) => {
      phase = text;
      progress.log(`  [${name}] ${((Date.now() - started) / 1000).toFixed(1)}s ${text}`);
    },
    watch: (orderLoad) => (load = orderLoad),
    /** Requests started and not yet answered, at this instant. */
    inFlight: () => (load ? load.inFlight : 0),
  };
  progress.log(`▶ ${name}`);
  try {
    const result = await scenarios[name](ctx);
    progress.log(`◀ ${name}: ${result.checks.every((c) => c.ok) ? 'PASS' : 'FAIL'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return result;
  } catch (error) {
    progress.log(`◀ ${name}: crashed: ${error.stack}`);
    return { scenario: name, sent: load?.records.length ?? 0, ok: 0, byStatus: {}, lost: '?', duplicated: '?', checks: [{ name: 'scenario ran to the end', ok: false, detail: error.message }] };
  } finally {
    clearInterval(ticker);
    if (process.env.CHAOS_LOG_DIR) {
      mkdirSync(process.env.CHAOS_LOG_DIR, { recursive: true });
      for (const service of system.all()) writeFileSync(join(process.env.CHAOS_LOG_DIR, `${name}-${service.name}-${service.port}.log`), service.logs());
    }
  }
}

export function formatTable(rows) {
  const header = ['scenario', 'sent', '2xx', 'non-2xx', 'lost', 'dup', 'recovery', 'verdict'];
  const lines = rows.map((r) => [
    r.scenario,
    String(r.sent),
    String(r.ok),
    Object.entries(r.byStatus).map(([status, n]) => `${status}×${n}`).join(' ') || '–',
    String(r.lost),
    String(r.duplicated),
    r.recoveryMs === undefined ? '–' : `${(r.recoveryMs / 1000).toFixed(1)} s`,
    r.checks.every((c) => c.ok) ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i].length)));
  const format = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [format(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(format)].join('\n');
}
