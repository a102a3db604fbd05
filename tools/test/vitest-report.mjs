// Turns vitest's JSON report into pass/fail counts. Every test that did not pass is a failure:
// skipped and todo tests are not allowed, and tests skipped because their suite's setup failed proved
// nothing. A file that failed with no failing test (import error, failing afterAll) is one failure.
// One exception: a suite whose title carries ENVIRONMENT_SKIP_MARKER (the image suite where this machine has no
// container engine, see tools/deploy/image-suite.ts) is counted as skipped, never as passed, and listed.

export const ENVIRONMENT_SKIP_MARKER = ' — SKIPPED: ';

/** @returns {{ passed: number, failed: number, skipped: number, testsRun: number, failures: string[], skips: string[] }} */
export function summarizeVitestReport(report, root = '') {
  const summary = { passed: 0, failed: 0, skipped: 0, testsRun: 0, failures: [], skips: [] };
  for (const file of report.testResults ?? []) {
    const relative = root ? file.name.replace(`${root}/`, '') : file.name;
    const tests = file.assertionResults ?? [];
    for (const test of tests) {
      summary.testsRun += 1;
      if (test.status === 'passed') {
        summary.passed += 1;
        continue;
      }
      const skipReason = test.status === 'skipped' && (test.ancestorTitles ?? []).find((title) => title.includes(ENVIRONMENT_SKIP_MARKER));
      if (skipReason && file.status !== 'failed') {
        summary.skipped += 1;
        if (!summary.skips.includes(skipReason)) summary.skips.push(skipReason);
        continue;
      }
      summary.failed += 1;
      const note = test.status === 'failed' ? '' : ` (${test.status}${file.status === 'failed' ? ': suite setup failed' : ''})`;
      summary.failures.push(`${relative} › ${[...(test.ancestorTitles ?? []), test.title].join(' › ')}${note}`);
    }
    if (file.status === 'failed' && tests.every((test) => test.status === 'passed')) {
      summary.failed += 1;
      summary.failures.push(`${relative}: ${(file.message || 'failed outside any test').split('\n')[0]}`);
    }
  }
  return summary;
}
