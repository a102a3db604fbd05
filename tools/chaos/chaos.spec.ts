// The fast chaos scenarios as part of `npm test`: one system on a private RabbitMQ node and PostgreSQL
// cluster (never the shared servers), four faults under steady order load. The slower ones (broker kill,
// catalog kill, slow consumer, the two-replica scenarios) run with `node tools/chaos/chaos.mjs`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM tool without type declarations
import { formatTable, runChaos } from './run-chaos.mjs';

const FAST = ['broker-restart', 'consumer-kill', 'database-outage', 'poison'];

interface Check { name: string; ok: boolean; detail: string }
interface ScenarioResult { scenario: string; checks: Check[] }

describe('chaos (fast scenarios, private broker and database)', () => {
  let results: ScenarioResult[] = [];
  const lines: string[] = [];

  beforeAll(async () => {
    results = await runChaos({ scenarios: FAST, progress: { log: (line: string) => lines.push(line), status: () => undefined } });
  }, 420_000);

  afterAll(() => {
    if (results.length > 0) process.stdout.write(`\n${formatTable(results)}\n`);
  });

  it.each(FAST)('%s: every check passes', (name) => {
    const result = results.find((candidate) => candidate.scenario === name);
    expect(result, `no result; progress:\n${lines.join('\n')}`).toBeDefined();
    expect(result?.checks.filter((check) => !check.ok)).toEqual([]);
  });
});
