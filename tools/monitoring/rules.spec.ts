// The alert rules: generated files in sync with their sources, `promtool check rules` and `promtool test rules`
// passing, every alert tested both ways (firing and not), and every alert documented with a runbook section
// that exists. promtool comes from Debian's `prometheus` package (installed by .ci/run).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// @ts-expect-error plain ESM tool without type declarations
import { generatedFiles, RUNBOOK_BASE, rulesDir, workspaceRoot } from './generate-rules.mjs';

const testsDir = 'docker/observability/prometheus/tests';
const filesIn = (dir: string, suffix: string): string[] =>
  readdirSync(join(workspaceRoot, dir)).filter((name) => name.endsWith(suffix)).sort().map((name) => `${dir}/${name}`);
const ruleFiles = filesIn(rulesDir, '.rules.yaml');
const testFiles = filesIn(testsDir, '.test.yaml');

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertTest {
  alertname: string;
  exp_alerts?: unknown[] | null;
}
const alertRules = (): Rule[] =>
  ruleFiles.flatMap((file) => (parse(readFileSync(join(workspaceRoot, file), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((group) => group.rules))
    .filter((rule) => rule.alert !== undefined);
const alertTests = (): AlertTest[] =>
  testFiles.flatMap((file) =>
    (parse(readFileSync(join(workspaceRoot, file), 'utf8')) as { tests: { alert_rule_test?: AlertTest[] }[] }).tests.flatMap((test) => test.alert_rule_test ?? []));

const promtool = (...args: string[]) => {
  const result = spawnSync('promtool', args, { cwd: workspaceRoot, encoding: 'utf8' });
  if (result.error) throw new Error(`promtool not runnable (${result.error.message}): apt-get install prometheus`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
const anchorsOf = (markdown: string): Set<string> =>
  new Set(markdown.split('\n').filter((line) => /^#{1,6} /.test(line)).map((line) =>
    line.replace(/^#+ /, '').trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replaceAll(' ', '-')));

describe('Prometheus rules', () => {
  it('generated rule files and PrometheusRules are what the SLO specs and cause rules produce (regenerate: node tools/monitoring/generate-rules.mjs)', () => {
    const stale = [...(generatedFiles() as Map<string, string>)].filter(([path, content]) => {
      const file = join(workspaceRoot, path);
      return !existsSync(file) || readFileSync(file, 'utf8') !== content;
    }).map(([path]) => path);
    expect(stale).toEqual([]);
  });

  it('promtool check rules accepts every rule file', () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(4);
    const result = promtool('check', 'rules', ...ruleFiles);
    expect(result, result.output).toMatchObject({ status: 0 });
  });

  it('promtool test rules passes every alert unit test', () => {
    const result = promtool('test', 'rules', ...testFiles);
    expect(result, result.output).toMatchObject({ status: 0 });
  });

  it('every rule file is loaded by some test file, and every test file loads only real rule files', () => {
    const loaded = testFiles.flatMap((file) =>
      (parse(readFileSync(join(workspaceRoot, file), 'utf8')) as { rule_files: string[] }).rule_files.map((rule) => join(testsDir, rule)));
    expect([...new Set(loaded)].sort()).toEqual(ruleFiles.map((file) => join(file)));
  });

  it('tests every alert both ways: some evaluation where it fires and one where it does not', () => {
    const tests = alertTests();
    const untested = alertRules().flatMap(({ alert }) => [
      ...(tests.some((test) => test.alertname === alert && (test.exp_alerts?.length ?? 0) > 0) ? [] : [`${alert}: never seen firing`]),
      ...(tests.some((test) => test.alertname === alert && (test.exp_alerts?.length ?? 0) === 0) ? [] : [`${alert}: never seen not firing`]),
    ]);
    expect(alertRules().length).toBeGreaterThanOrEqual(20);
    expect(untested).toEqual([]);
  });

  it('every alert has a page or ticket severity, a summary, a description and a runbook_url to a section that exists', () => {
    const problems = alertRules().flatMap(({ alert, labels, annotations = {} }) => {
      const url = annotations['runbook_url'] ?? '';
      const [file = '', anchor = ''] = url.startsWith(RUNBOOK_BASE) ? url.slice(RUNBOOK_BASE.length).split('#') : [];
      const path = join(workspaceRoot, 'docs/runbooks', file);
      return [
        ['page', 'ticket'].includes(labels?.['severity'] ?? '') ? '' : `${alert}: severity ${labels?.['severity']}`,
        annotations['summary'] ? '' : `${alert}: no summary`,
        annotations['description'] ? '' : `${alert}: no description`,
        file && anchor ? '' : `${alert}: runbook_url ${url} is not ${RUNBOOK_BASE}<file>#<section>`,
        file && existsSync(path) && anchorsOf(readFileSync(path, 'utf8')).has(anchor) ? '' : `${alert}: no section #${anchor} in docs/runbooks/${file}`,
      ].filter(Boolean);
    });
    expect(problems).toEqual([]);
  });

  it('docker compose\'s Prometheus loads the same rule files', () => {
    const compose = readFileSync(join(workspaceRoot, 'docker/compose.yaml'), 'utf8');
    const config = parse(readFileSync(join(workspaceRoot, 'docker/observability/prometheus.yaml'), 'utf8')) as { rule_files: string[] };
    expect(compose).toContain('./observability/prometheus/rules:/etc/prometheus/rules:ro');
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yaml']);
  });
});
