// Turns vitest's JSON report into pass/fail counts. Every test that did not pass is a failure:
// skipped and todo tests are not allowed, and tests skipped because their suite's setup failed proved
// nothing. A file that failed with no failing test (import error, failing afterAll) is one failure.

/** @returns {{ passed: number, failed: number, testsRun: number, failures: string[] }} */
export function summarizeVitestReport(report, root = '') {
  const summary = { passed: 0, failed: 0, testsRun: 0, failures: [] };
  for (const file of report.testResults ?? []) {
    const relative = root ? file.name.replace(`${root}/`, '') : file.name;
    const tests = file.assertionResults ?? [];
    for (const test of tests) {
      summary.testsRun += 1;
      if (test.status === 'passed') {
        summary.passed += 1;
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
