/**
 * The dashboard's reconciliation runs: each run's summary read from its JSON report in the reports
 * bucket (adapters/aws/reconciliation-report.ts writes them), newest first, with its drift; a
 * run's JSON or CSV report, served to a signed-in person only; and a run asked for now through the
 * governed API, its status followed from its record.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbReconciliationRuns } from '../../adapters/aws/reconciliation-runs';
import type { ReconciliationSummary } from '../../domain/ports/reconciliation';
import type { ReconciliationRunRecords } from '../../domain/ports/reconciliation-runs';
import { driftPercent } from '../../domain/reconciliation/drift';
import { signInRequired } from './session-cookies';

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

/** The dashboard's answer to a route of its own: status, JSON body (or text), content type. */
export interface DashboardAnswer {
  status: number;
  body: unknown;
  contentType: string;
  /** Sent as it is, not as JSON. */
  text?: string;
}

const REPORT_ROUTE = /^\/_dashboard\/api\/reconciliation-reports\/(.+)$/;

/**
 * `GET /_dashboard/api/reconciliation-reports/<key>`: a run's report, to a signed-in person only
 * (reports name orders, suppliers and prices). Undefined: not this route.
 */
export async function reconciliationReportRoute(
  method: string | undefined,
  pathname: string,
  session: { signedIn: boolean; signInAvailable: boolean },
  s3: S3Client,
  bucket: string | undefined,
): Promise<DashboardAnswer | undefined> {
  const match = REPORT_ROUTE.exec(pathname);
  if (method !== 'GET' || !match || !bucket) return undefined;
  const key = decodeURIComponent(match[1]!);
  if (!session.signedIn)
    return {
      status: 401,
      body: signInRequired(session.signInAvailable),
      contentType: 'application/problem+json',
    };
  if (!isReportKey(key))
    return {
      status: 404,
      body: { error: `not a reconciliation report: ${key}` },
      contentType: 'application/json',
    };
  const contentType = key.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/json';
  return { status: 200, body: undefined, contentType, text: await reportText(s3, bucket, key) };
}

/** What the dashboard's **Run reconciliation now** needs. */
export interface AskedRunsAccess {
  /** The local API's base (`http://127.0.0.1:<port>`) and its key. */
  api: { baseUrl: string; apiKey: string };
  runs: ReconciliationRunRecords;
}

/** The access of the dashboard's runs, when the stack has the table their records are in. */
export function askedRunsAccess(
  api: AskedRunsAccess['api'],
  documents: DynamoDBDocumentClient,
  table: string | undefined,
): AskedRunsAccess | undefined {
  return table ? { api, runs: new DynamoDbReconciliationRuns(documents, table) } : undefined;
}

const RUNS_ROUTE = /^\/_dashboard\/api\/reconciliation-runs(?:\/([A-Za-z0-9-]{1,64}))?$/;

/**
 * `POST /_dashboard/api/reconciliation-runs`: asks the governed API for a run with the signed-in
 * person's own access token (the dashboard takes no shortcut past its scope and lease), relaying
 * its answer: 202 with the run, or 409 naming the run in progress. `GET .../<runId>`: the run's
 * status, read from its record as the page's other reads are. Undefined: not this route.
 */
export async function reconciliationRunRoute(
  method: string | undefined,
  pathname: string,
  person: { subject: string; accessToken: string } | undefined,
  access: AskedRunsAccess | undefined,
): Promise<DashboardAnswer | undefined> {
  const match = RUNS_ROUTE.exec(pathname);
  if (!match || !access) return undefined;
  const runId = match[1];
  if (method === 'GET' && runId) {
    const run = await access.runs.get(runId);
    return run
      ? { status: 200, body: run, contentType: 'application/json' }
      : { status: 404, body: { error: `no reconciliation run ${runId}` }, contentType: 'application/json' };
  }
  if (method !== 'POST' || runId || !person) return undefined;
  const response = await fetch(`${access.api.baseUrl}/v1/reconciliation-runs`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${person.accessToken}`,
      'x-api-key': access.api.apiKey,
      'content-type': 'application/json',
    },
    body: '{}',
  });
  return {
    status: response.status,
    body: (await response.json()) as unknown,
    contentType: response.headers.get('content-type') ?? 'application/json',
  };
}
