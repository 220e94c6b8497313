/**
 * `ops reconcile` against AWS, mocked at the boundaries: CloudFormation (the SDK) names the stack's
 * reports bucket, the governed API (fetch) answers the run request and its status. What is sent
 * (POST /v1/reconciliation-runs with the window start, the token and the API key), the run followed
 * to its end and printed, a run in progress refused (exit 1, naming it), a failed run exiting 1.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReconciliationRun } from '../../canonical/generated/types';
import { run, type CliIo } from '../../ops/cli';
import type { OpsContext } from '../../ops/context';
import { reconcileCommand } from '../../ops/reconcile';

const cloudFormation = mockClient(CloudFormationClient);

const API = 'https://api.example.test/v1';
const BUCKET = 'supplyline-dev-reconciliation-reports';
const RUN_ID = '20261205T041500000Z-1a2b3c4d';

const REQUESTED: ReconciliationRun = {
  runId: RUN_ID,
  status: 'requested',
  requestedBy: 'ops-cli',
  requestedAt: '2026-12-05T04:15:00.000Z',
  since: '2026-11-01T00:00:00.000Z',
};
const FINISHED: ReconciliationRun = {
  ...REQUESTED,
  status: 'finished',
  startedAt: '2026-12-05T04:15:00.000Z',
  finishedAt: '2026-12-05T04:16:30.000Z',
  summary: {
    window: { since: '2026-11-01T00:00:00.000Z', until: '2026-12-05T04:15:00.000Z' },
    orders: 1200,
    differences: {
      missing_in_erp: 2,
      missing_in_procurement: 1,
      quantity_mismatch: 3,
      date_mismatch: 0,
      price_mismatch: 0,
      status_lag: 4,
      acknowledgement_not_applied: 1,
    },
    repaired: 8,
    exceptionsRaised: 3,
    repairFailures: 0,
    committedValueDifferences: 1,
  },
  reports: ['runs/2026-12-05/run.json', 'runs/2026-12-05/run.csv'],
};

/** The API's answers in order, and what the CLI sent. */
function api(answers: { status: number; body: unknown }[]) {
  const sent: { url: string; method: string; headers: Headers; body?: string }[] = [];
  vi.stubGlobal('fetch', (async (url: string, init?: RequestInit) => {
    sent.push({
      url,
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    });
    const answer = answers.shift();
    if (!answer) throw new Error(`no answer left for ${url}`);
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': answer.status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  }) as typeof fetch);
  return sent;
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  return { cli, out, err };
}

const AWS = ['--region', 'eu-west-1', '--api-url', API, '--api-key', 'key-1'];

beforeEach(() => {
  vi.stubEnv('SUPPLYLINE_ACCESS_TOKEN', 'token-1');
  cloudFormation.reset();
  cloudFormation.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      {
        LogicalResourceId: 'BucketsReconciliationReportsBucket7A8B9C0D',
        PhysicalResourceId: BUCKET,
        ResourceType: 'AWS::S3::Bucket',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
    ],
  });
  cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
});

afterEach(() => {
  cloudFormation.reset();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

/** An AWS context on the mocked API, as connectAws builds it. */
const context = (): OpsContext =>
  ({
    target: 'aws',
    topology: { buckets: { reconciliationReports: BUCKET } },
    api: { url: API, apiKey: 'key-1', accessToken: () => Promise.resolve('token-1') },
  }) as unknown as OpsContext;

describe('ops reconcile', () => {
  it('asks the governed API for a run with the window start, follows it to the end and prints the summary', async () => {
    const sent = api([
      { status: 202, body: REQUESTED },
      { status: 200, body: { ...REQUESTED, status: 'running' } },
      { status: 429, body: { status: 429, title: 'Too many requests' } },
      { status: 200, body: FINISHED },
    ]);
    const out: string[] = [];
    const progress: string[] = [];
    const code = await reconcileCommand(
      context(),
      { since: new Date('2026-11-01T00:00:00Z'), wait: true },
      { print: (_data, text) => out.push(text()), progress: (line) => progress.push(line) },
      { pollEveryMs: 0 },
    );
    expect(code).toBe(0);
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      `POST ${API}/reconciliation-runs`,
      ...Array<string>(3).fill(`GET ${API}/reconciliation-runs/${RUN_ID}`),
    ]);
    expect(JSON.parse(sent[0]!.body!)).toEqual({ since: '2026-11-01T00:00:00.000Z' });
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer token-1');
    expect(sent[0]!.headers.get('x-api-key')).toBe('key-1');
    expect(progress).toEqual([
      `reconciliation run ${RUN_ID} asked for (GET /v1/reconciliation-runs/${RUN_ID})`,
      `run ${RUN_ID} running`,
      `run ${RUN_ID} finished`,
    ]);
    const text = out.join('\n');
    expect(text).toContain('1200 order(s) from 2026-11-01T00:00:00Z to 2026-12-05T04:15:00Z');
    expect(text).toMatch(/status_lag\s+4/);
    expect(text).toMatch(/quantity_mismatch\s+3/);
    expect(text).toMatch(/committed value differences:\s+1/);
    expect(text).toContain(`s3://${BUCKET}/runs/2026-12-05/run.json, s3://${BUCKET}/runs/2026-12-05/run.csv`);
  });

  it('with --no-wait prints the accepted run as JSON and reads no status; without --since it sends no window', async () => {
    const sent = api([{ status: 202, body: { ...REQUESTED, since: undefined } }]);
    const { cli, out } = io();
    expect(await run(['reconcile', '--no-wait', '--json', ...AWS], cli)).toBe(0);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body!)).toEqual({});
    expect(JSON.parse(out.join('\n'))).toEqual({ run: { ...REQUESTED, since: undefined }, reports: [] });
  });

  it('a run in progress: exit 1 naming it, nothing followed (one run at a time, as the API holds it)', async () => {
    const detail =
      'Reconciliation run 20261205T030000000Z-daily is in progress (its lease runs until 2026-12-05T03:15:00.000Z); try again after it.';
    const sent = api([
      {
        status: 409,
        body: {
          type: 'https://supplyline.example/problems/reconciliation-run-in-progress',
          status: 409,
          detail,
        },
      },
    ]);
    const { cli, err } = io();
    expect(await run(['reconcile', ...AWS], cli)).toBe(1);
    expect(err.join('\n')).toContain(`/reconciliation-runs answered 409: ${detail}`);
    expect(sent).toHaveLength(1);
  });

  it('a failed run exits 1 with its reason', async () => {
    api([
      { status: 202, body: REQUESTED },
      { status: 200, body: { ...REQUESTED, status: 'failed', reason: 'the ERP circuit is open' } },
    ]);
    const out: string[] = [];
    const code = await reconcileCommand(
      context(),
      { wait: true },
      { print: (_data, text) => out.push(text()), progress: () => undefined },
      { pollEveryMs: 0 },
    );
    expect(code).toBe(1);
    expect(out.join('\n')).toBe(`Reconciliation ${RUN_ID} failed: the ERP circuit is open`);
  });

  it('refuses a --since that is not a time (exit 2) without asking for anything', async () => {
    const sent = api([]);
    const { cli, err } = io();
    expect(await run(['reconcile', '--since', 'yesterday', ...AWS], cli)).toBe(2);
    expect(err.join('\n')).toContain('--since must be an ISO 8601 time');
    expect(sent).toHaveLength(0);
  });
});
