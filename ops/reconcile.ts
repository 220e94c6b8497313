/**
 * The on-demand reconciliation run (`ops reconcile`), against AWS and the local runtime alike: asks
 * the governed API for a run (POST /v1/reconciliation-runs), which takes the one-run-at-a-time
 * lease when asked (ADR 0011), then follows its status (GET /v1/reconciliation-runs/{runId}) until
 * it has finished or failed. Asking through the API rather than invoking the function keeps one
 * path for the CLI, the dashboard and other callers: a run in progress is refused (409 naming it)
 * before anything starts, and every run has a status record anyone may read.
 */
import type { ReconciliationRun } from '../canonical/generated/types';
import { ASKED_RUN_LEASE_MS } from '../domain/reconciliation/on-demand';
import type { OpsContext } from './context';
import { duration, table, when } from './format';
import { ApiProblem, callGovernedApi } from './governed-api';

export type { ReconciliationRun };

const RUNS = '/reconciliation-runs';

/** The run as it ended (or as asked for, without waiting) and where its report was stored. */
export interface OnDemandReconciliation {
  run: ReconciliationRun;
  /** `s3://<bucket>/<key>` of each report object (JSON and CSV). */
  reports: string[];
}

/** How the CLI follows a run. */
export interface FollowOptions {
  /** Between two status reads. */
  pollEveryMs: number;
  /** Give up following (the run goes on) after this long. */
  timeoutMs: number;
  /** Told each status change. */
  onStatus?: (run: ReconciliationRun) => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Asks for a run over the window from `since` (the contract's window when absent).
 * @throws ApiProblem 409 when a run is in progress (its detail names it), 400 for a bad window.
 */
export function requestRun(context: Pick<OpsContext, 'api'>, since?: Date): Promise<ReconciliationRun> {
  return callGovernedApi<ReconciliationRun>(context.api, RUNS, {
    method: 'POST',
    body: JSON.stringify(since ? { since: since.toISOString() } : {}),
    headers: { 'content-type': 'application/json' },
  });
}

/** Reads the run's status until it has finished or failed; a throttled read (429) is waited out. */
export async function followRun(
  context: Pick<OpsContext, 'api'>,
  runId: string,
  options: FollowOptions,
): Promise<ReconciliationRun> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const deadline = Date.now() + options.timeoutMs;
  let last: ReconciliationRun['status'] | undefined;
  for (;;) {
    try {
      const run = await callGovernedApi<ReconciliationRun>(
        context.api,
        `${RUNS}/${encodeURIComponent(runId)}`,
      );
      if (run.status !== last) options.onStatus?.(run);
      last = run.status;
      if (run.status === 'finished' || run.status === 'failed') return run;
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status !== 429) throw error;
    }
    if (Date.now() >= deadline)
      throw new Error(
        `reconciliation run ${runId} is still ${last ?? 'unread'} after ${duration(options.timeoutMs / 1000)}: ` +
          `it goes on; follow it with GET /v1${RUNS}/${runId}`,
      );
    await sleep(options.pollEveryMs);
  }
}

/** The run's report objects as `s3://` URLs of the stack's reports bucket. */
function reportUrls(context: Pick<OpsContext, 'topology'>, run: ReconciliationRun): string[] {
  const bucket = context.topology.buckets.reconciliationReports;
  return (run.reports ?? []).map((key) => (bucket ? `s3://${bucket}/${key}` : key));
}

/**
 * `ops reconcile`: asks for a run and, unless `wait` is false, follows it to its end and prints its
 * summary. A refused request (a run in progress) or a failed run exits 1 with the reason.
 */
export async function reconcileCommand(
  context: OpsContext,
  request: { since?: Date; wait: boolean },
  io: { print: (data: unknown, text: () => string) => void; progress: (line: string) => void },
  follow: Partial<FollowOptions> = {},
): Promise<number> {
  const asked = await requestRun(context, request.since);
  io.progress(`reconciliation run ${asked.runId} asked for (GET /v1${RUNS}/${asked.runId})`);
  const run = request.wait
    ? await followRun(context, asked.runId, {
        // The local runtime runs it at once; in AWS it waits its turn in the bulk lane.
        pollEveryMs: context.target === 'local' ? 1000 : 10_000,
        // The lease an asked-for run holds.
        timeoutMs: ASKED_RUN_LEASE_MS,
        onStatus: (current) => io.progress(`run ${current.runId} ${current.status}`),
        ...follow,
      })
    : asked;
  const result: OnDemandReconciliation = { run, reports: reportUrls(context, run) };
  io.print(result, () => reconciliationText(result));
  return run.status === 'failed' ? 1 : 0;
}

/** The command's help, with the connection options every command takes. */
export function reconcileHelp(connectionHelp: string): Record<string, string> {
  return {
    reconcile: `Usage: ops reconcile [--since <ISO>] [--no-wait] [--json]

Asks the governed API for a purchase-order reconciliation run now (POST /v1/reconciliation-runs:
the same request as the dashboard's button), follows it until it has finished and prints its
summary: orders compared, differences per class, repairs, exceptions raised, committed-value
differences and the report's location (JSON and CSV in the reconciliation reports bucket). One run
at a time: while another runs the request is refused, naming it (exit 1). A failed run exits 1
with its reason. Needs the ops CLI's token with scope supplyline/reconciliation.run and the API key
(ops/README.md).

  --since <iso>   window start, e.g. 2026-11-01T00:00:00Z (default: the contract's last 90 days)
  --no-wait       print the run as accepted and return (follow it with GET /v1/reconciliation-runs/<id>)

${connectionHelp}`,
  };
}

/** The run's summary as text: counts per class, what was done and where the report is. */
export function reconciliationText({ run, reports }: OnDemandReconciliation): string {
  const field = (label: string, value: string | number) => `  ${`${label}:`.padEnd(28)} ${value}`;
  const { summary } = run;
  if (run.status === 'failed')
    return `Reconciliation ${run.runId} failed: ${run.reason ?? 'no reason given'}`;
  if (!summary)
    return `Reconciliation ${run.runId} ${run.status} (asked for by ${run.requestedBy} at ${when(run.requestedAt)})`;
  const seconds =
    run.startedAt && run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : 0;
  return [
    `Reconciliation ${run.runId}: ${summary.orders} order(s) from ${when(summary.window.since)} to ${when(summary.window.until)}`,
    '',
    table(Object.entries(summary.differences), [
      { header: 'DIFFERENCE CLASS', value: ([name]) => name },
      { header: 'COUNT', value: ([, n]) => n, right: true },
    ]),
    '',
    field('repaired', summary.repaired),
    field('exceptions raised', summary.exceptionsRaised),
    field('repair failures', summary.repairFailures),
    field('committed value differences', summary.committedValueDifferences),
    field('duration', duration(seconds)),
    field('report', reports.join(', ') || '(none)'),
  ].join('\n');
}
