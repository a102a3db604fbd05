import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { summarizeVitestReport } from './vitest-report.mjs';

const file = (name: string, status: string, tests: { title: string; status: string }[], message = '') => ({
  name: `/repo/${name}`,
  status,
  message,
  assertionResults: tests.map((test) => ({ ancestorTitles: ['suite'], ...test })),
});

describe('summarizeVitestReport', () => {
  it('counts passed and failed tests and names each failure', () => {
    const summary = summarizeVitestReport(
      { testResults: [file('a.spec.ts', 'failed', [{ title: 'works', status: 'passed' }, { title: 'breaks', status: 'failed' }])] },
      '/repo',
    );
    expect(summary).toEqual({ passed: 1, failed: 1, skipped: 0, testsRun: 2, failures: ['a.spec.ts › suite › breaks'], skips: [] });
  });

  it('counts skipped and todo tests as failures', () => {
    const summary = summarizeVitestReport(
      { testResults: [file('b.spec.ts', 'passed', [{ title: 'later', status: 'skipped' }, { title: 'someday', status: 'todo' }])] },
      '/repo',
    );
    expect(summary.failed).toBe(2);
    expect(summary.failures).toEqual(['b.spec.ts › suite › later (skipped)', 'b.spec.ts › suite › someday (todo)']);
  });

  it('marks tests skipped by a failed suite setup as such', () => {
    const summary = summarizeVitestReport({ testResults: [file('c.spec.ts', 'failed', [{ title: 'x', status: 'skipped' }])] }, '/repo');
    expect(summary.failures).toEqual(['c.spec.ts › suite › x (skipped: suite setup failed)']);
  });

  it('counts a file that failed without a failing test as one failure with its first message line', () => {
    const summary = summarizeVitestReport(
      { testResults: [file('d.spec.ts', 'failed', [], 'SyntaxError: Unexpected token\n  at line 3')] },
      '/repo',
    );
    expect(summary).toEqual({ passed: 0, failed: 1, skipped: 0, testsRun: 0, failures: ['d.spec.ts: SyntaxError: Unexpected token'], skips: [] });
  });

  it('counts tests under a suite skipped for a missing environment (no container engine) as skipped, not passed', () => {
    const title = 'the orders image — SKIPPED: no container engine (`docker info` fails)';
    const summary = summarizeVitestReport(
      { testResults: [{ name: '/repo/e.spec.ts', status: 'skipped', message: '', assertionResults: [{ ancestorTitles: [title], title: 'runs', status: 'skipped' }, { ancestorTitles: [title], title: 'stops', status: 'skipped' }] }] },
      '/repo',
    );
    expect(summary).toMatchObject({ passed: 0, failed: 0, skipped: 2, testsRun: 2, skips: [title] });
  });

  it('still fails a skipped test whose suite title has no environment reason', () => {
    const summary = summarizeVitestReport(
      { testResults: [{ name: '/repo/f.spec.ts', status: 'skipped', message: '', assertionResults: [{ ancestorTitles: ['the orders image'], title: 'runs', status: 'skipped' }] }] },
      '/repo',
    );
    expect(summary).toMatchObject({ passed: 0, failed: 1, skipped: 0 });
  });
});
