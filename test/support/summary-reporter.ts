import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** The counts of the summary line. */
export interface SummaryCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Counts a run the way CI must read it: every failed test, plus one failure for each test file that
 * failed outside its tests (it did not load, or a `beforeAll`/`afterAll` hook threw: its tests then
 * end as skipped, so counting tests alone would report a clean run), plus one per unhandled error.
 */
export function countRun(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError> = [],
): SummaryCounts & { brokenFiles: string[] } {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const brokenFiles: string[] = [];
  for (const module of testModules) {
    let failedTests = 0;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') counts.passed++;
      else if (state === 'failed') failedTests++;
      else counts.skipped++;
    }
    counts.failed += failedTests;
    if (module.state() === 'failed' && failedTests === 0) {
      counts.failed++;
      brokenFiles.push(module.relativeModuleId);
    }
  }
  counts.failed += unhandledErrors.length;
  return { ...counts, brokenFiles };
}

/**
 * Ends the run with the plain `N passed, N failed, N skipped` line that CI tooling reads,
 * since vitest's own summary is not in a format CI recognises.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError> = [],
  ): void {
    const { passed, failed, skipped, brokenFiles } = countRun(testModules, unhandledErrors);
    for (const file of brokenFiles) {
      process.stdout.write(`\nFailed outside its tests (load error or hook): ${file}`);
    }
    if (unhandledErrors.length) process.stdout.write(`\nUnhandled errors: ${unhandledErrors.length}`);
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
