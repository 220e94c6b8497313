/**
 * The dashboard's reconciliation runs: each run's summary read from its JSON report in the reports
 * bucket (adapters/aws/reconciliation-report.ts writes them), newest first, with its drift; and a
 * run's JSON or CSV report, served to a signed-in person only.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ReconciliationSummary } from '../../domain/ports/reconciliation';
import { driftPercent } from '../../domain/reconciliation/drift';

/** A run as the dashboard lists and charts it. */
export interface ReconciliationRunRow {
  runId: string;
  startedAt: string;
  finishedAt: string;
  orders: number;
  differences: number;
  /** Differences per 100 orders compared (the drift alarm's metric). */
  driftPercent: number;
  repaired: number;
  exceptionsRaised: number;
  /** Report object keys: `runs/<date>/<runId>.json` and `.csv`. */
  reports: { json: string; csv: string };
}

/** The only keys served: a run's JSON or CSV report (no listing, no other object of the bucket). */
const REPORT_KEY = /^runs\/\d{4}-\d{2}-\d{2}\/[A-Za-z0-9-]+\.(json|csv)$/;

/** Whether `key` names a run's report. */
export function isReportKey(key: string): boolean {
  return REPORT_KEY.test(key);
}

/** The latest `limit` runs, newest first. Keys sort by date, then run id (which starts with its time). */
export async function reconciliationRuns(
  s3: S3Client,
  bucket: string,
  limit = 30,
): Promise<ReconciliationRunRow[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'runs/', ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key?.endsWith('.json')) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const latest = keys.sort().reverse().slice(0, limit);
  return Promise.all(
    latest.map(async (key) => {
      const { summary } = JSON.parse(await reportText(s3, bucket, key)) as { summary: ReconciliationSummary };
      const base = key.slice(0, -'.json'.length);
      return {
        runId: summary.runId,
        startedAt: summary.startedAt,
        finishedAt: summary.finishedAt,
        orders: summary.orders,
        differences: Object.values(summary.differences).reduce((total, count) => total + count, 0),
        driftPercent: driftPercent(summary),
        repaired: summary.repaired,
        exceptionsRaised: summary.exceptionsRaised,
        reports: { json: `${base}.json`, csv: `${base}.csv` },
      };
    }),
  );
}

/** A report's text. */
export async function reportText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString('utf-8')) ?? '';
}
