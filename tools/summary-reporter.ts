import type { Reporter, TestModule } from 'vitest/node';

// CI reads the plain closing line 'N passed, N failed[, N skipped]'; vitest's own summary is not one of
// the formats it knows, so this reporter prints that line last, after vitest's own.
export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // a file that failed to load has no tests but must still fail the run
      if (testModule.state() === 'failed' && [...testModule.children.allTests()].length === 0) failed++;
    }
    setTimeout(() => process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`), 0);
  }
}
