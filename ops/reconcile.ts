/**
 * The on-demand reconciliation run (`ops reconcile`): invokes the same function the daily schedule
 * does (purchase-order-reconciliation), synchronously, with the window start the operator names,
 * and returns the run's summary and where its report was stored. One run per command: the client
 * does not retry an invoke (a retry would start a second run).
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { FunctionKey } from '../application/functions';
import type { ReconciliationSummary } from '../domain/ports/reconciliation';
import type { OpsContext } from './context';
import { duration, table, when } from './format';
import { functionNameOf, type StackTopology } from './topology';

/** The catalog key of the reconciliation function (application/functions.ts). */
export const RECONCILIATION_FUNCTION: FunctionKey = 'purchase-order-reconciliation';

/** What the function returns: the summary and the report's object keys. */
export type ReconciliationRun = ReconciliationSummary & { reportKeys: readonly string[] };

/** The run's summary with the report's location. */
export interface OnDemandReconciliation {
  functionName: string;
  run: ReconciliationRun;
  /** `s3://<bucket>/<key>` of each report object (JSON and CSV). */
  reports: string[];
}

/** Invokes the reconciliation function and waits for its run; a function error throws its reason. */
export async function reconcileOnDemand(
  lambda: LambdaClient,
  topology: StackTopology,
  request: { since?: Date } = {},
): Promise<OnDemandReconciliation> {
  const functionName = functionNameOf(topology, RECONCILIATION_FUNCTION);
  const answer = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(
        JSON.stringify(request.since ? { since: request.since.toISOString() } : {}),
      ),
    }),
  );
  const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
  if (answer.FunctionError) {
    const failure = parsed(text) as { errorType?: string; errorMessage?: string } | undefined;
    throw new Error(
      `reconciliation run failed in ${functionName} (${failure?.errorType ?? answer.FunctionError}): ` +
        (failure?.errorMessage ?? (text || 'no reason given')),
    );
  }
  const run = parsed(text) as ReconciliationRun | undefined;
  if (!run || typeof run !== 'object' || !run.differences)
    throw new Error(`${functionName} answered without a run summary: ${text.slice(0, 200)}`);
  const bucket = topology.buckets.reconciliationReports;
  return {
    functionName,
    run,
    reports: run.reportKeys.map((key) => (bucket ? `s3://${bucket}/${key}` : key)),
  };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `ops reconcile`: runs, prints the summary; a failed run throws its reason (exit 1). */
export async function reconcileCommand(
  context: OpsContext,
  since: Date | undefined,
  io: { print: (data: unknown, text: () => string) => void; progress: (line: string) => void },
): Promise<number> {
  if (context.target === 'local')
    throw new Error('the local runtime has no Lambda invoke endpoint yet: ops reconcile runs against AWS');
  io.progress('reconciliation running (up to 15 minutes)');
  const result = await reconcileOnDemand(context.clients.lambda, context.topology, since ? { since } : {});
  io.print(result, () => reconciliationText(result));
  return 0;
}

/** The command's help, with the connection options every command takes. */
export function reconcileHelp(connectionHelp: string): Record<string, string> {
  return {
    reconcile: `Usage: ops reconcile [--since <ISO>] [--json]

Runs the purchase-order reconciliation now (the function the daily schedule runs, invoked
synchronously: it may take up to its 15-minute timeout) and prints the run's summary: orders
compared, differences per class, repairs, exceptions raised, committed-value differences and the
report's location (JSON and CSV in the reconciliation reports bucket). A failed run exits 1 with
its reason. Needs lambda:InvokeFunction on the function (ops/README.md).

  --since <iso>   window start, e.g. 2026-11-01T00:00:00Z (default: the contract's last 90 days)

${connectionHelp}`,
  };
}

/** The run's summary as text: counts per class, what was done and where the report is. */
export function reconciliationText({ run, reports }: OnDemandReconciliation): string {
  const field = (label: string, value: string | number) => `  ${`${label}:`.padEnd(28)} ${value}`;
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  return [
    `Reconciliation ${run.runId}: ${run.orders} order(s) from ${when(run.window.since)} to ${when(run.window.until)}`,
    '',
    table(Object.entries(run.differences), [
      { header: 'DIFFERENCE CLASS', value: ([name]) => name },
      { header: 'COUNT', value: ([, n]) => n, right: true },
    ]),
    '',
    field('repaired', run.repaired),
    field('exceptions raised', run.exceptionsRaised),
    field('repair failures', run.repairFailures),
    field('committed value differences', run.committedValueDifferences),
    field('duration', duration(seconds)),
    field('report', reports.join(', ') || '(none)'),
  ].join('\n');
}
