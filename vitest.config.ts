import { defineConfig } from 'vitest/config';

/**
 * End-to-end files each start the whole local runtime (synthesized app, stand-ins, simulators) and
 * exercise timing-sensitive behaviour (breaker cool-downs, backoff, queue redelivery): on a 2-core
 * machine they run one at a time, after the rest of the suite, so they neither starve nor are
 * starved by it. The fault drills (test/e2e/drills, docs/fault-drills.md) are among them;
 * `npm run test:drills` runs them alone.
 */
const END_TO_END = [
  'test/e2e/**/*.test.ts',
  'test/local/**/*.e2e.test.ts',
  'test/ops/replay.test.ts',
  'test/ops/forecast-syncs-cli.test.ts',
];

/**
 * End-to-end files that drive a real headless Chromium. Their project's globalSetup installs it
 * (root + apt) or stops the run printing the command, as the Tryton tests do for Tryton; it runs
 * only when one of these files is selected.
 */
const BROWSER = [
  'test/local/dashboard/dashboard.test.ts',
  'test/local/dashboard/business-units.test.ts',
  'test/local/apigateway/api-docs.test.ts',
];

export default defineConfig({
  test: {
    // Integration suites start real local stand-ins (Tryton, fauxqs, dynalite): give them room.
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Every API answer a local runtime gives during a test is checked against the OpenAPI document.
    setupFiles: ['test/support/answer-contract.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...END_TO_END, ...BROWSER],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'end-to-end',
          include: END_TO_END,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: BROWSER,
          globalSetup: ['test/support/provision-browser.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
