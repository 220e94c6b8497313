/**
 * The summary line CI reads, on a real vitest run of a small fixture project: a file that does not
 * load, a file whose beforeAll throws (its tests end as skipped) and an unhandled error must each
 * count as a failure, never leave a clean `0 failed`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startVitest } from 'vitest/node';
import SummaryReporter, { countRun, type SummaryCounts } from './summary-reporter';

const FIXTURES: Record<string, string> = {
  // A test that skips itself at run time, as a suite does when what it needs is absent: the
  // reporter must count it as skipped, not as passed or failed.
  'passes.test.ts': `it('passes', () => {}); it('skips itself', (context) => { context.skip(); });`,
  'hook-fails.test.ts': `beforeAll(() => { throw new Error('no browser'); });
    it('needs the hook', () => {}); it('needs it too', () => {});`,
  'does-not-load.test.ts': `throw new Error('cannot import'); it('never collected', () => {});`,
  'unhandled.test.ts': `it('leaves a rejection behind', () => { void Promise.reject(new Error('late')); });`,
};

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Runs vitest on the given fixture files and returns what the reporter counted and printed. */
async function runFixtures(files: string[]): Promise<{ counts: SummaryCounts; line: string }> {
  const root = mkdtempSync(join(tmpdir(), 'summary-reporter-'));
  roots.push(root);
  for (const file of files) writeFileSync(join(root, file), FIXTURES[file]!);
  let counts: SummaryCounts | undefined;
  let line = '';
  const reporter = new SummaryReporter();
  const capture = {
    onTestRunEnd: (...args: Parameters<SummaryReporter['onTestRunEnd']>) => {
      counts = countRun(...args);
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((text: string) => ((line += text), true)) as typeof process.stdout.write;
      try {
        reporter.onTestRunEnd(...args);
      } finally {
        process.stdout.write = write;
      }
    },
  };
  const vitest = await startVitest('test', [], {
    root,
    config: false,
    globals: true,
    watch: false,
    reporters: [capture],
    pool: 'threads',
    dangerouslyIgnoreUnhandledErrors: false,
  });
  await vitest.close();
  process.exitCode = 0; // the fixture run's failures are expected; they are not this run's
  return { counts: counts!, line: line.trim().split('\n').at(-1)! };
}

describe('summary reporter', () => {
  it('counts passed and skipped tests of a clean run', async () => {
    const { counts, line } = await runFixtures(['passes.test.ts']);
    expect(counts).toEqual({ passed: 1, failed: 0, skipped: 1, brokenFiles: [] });
    expect(line).toBe('Tests: 1 passed, 0 failed, 1 skipped');
  });

  it('counts a file whose beforeAll throws as a failure, though its tests end as skipped', async () => {
    const { counts, line } = await runFixtures(['passes.test.ts', 'hook-fails.test.ts']);
    expect(counts.failed).toBe(1);
    expect(line).toMatch(/^Tests: 1 passed, 1 failed, 3 skipped$/);
  });

  it('counts a file that fails to load as a failure', async () => {
    const { counts, line } = await runFixtures(['passes.test.ts', 'does-not-load.test.ts']);
    expect(counts).toMatchObject({ passed: 1, failed: 1, brokenFiles: ['does-not-load.test.ts'] });
    expect(line).toBe('Tests: 1 passed, 1 failed, 1 skipped');
  });

  it('counts an unhandled error as a failure', async () => {
    const { counts, line } = await runFixtures(['passes.test.ts', 'unhandled.test.ts']);
    expect(counts.failed).toBeGreaterThanOrEqual(1);
    expect(line).toMatch(/^Tests: 2 passed, [1-9]\d* failed, 1 skipped$/);
  });
});
