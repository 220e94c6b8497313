/**
 * The on-demand reconciliation run through the whole local runtime, against the real Tryton: POST
 * /v1/reconciliation-runs through the local API gateway and its authorizer (the ops CLI's token),
 * the hand-off on the bus to the bulk lane's `reconciliation-run` consumer, the run over the seed
 * scenario's order, its status followed with GET until finished, and its report read from the
 * local S3. One run at a time (ADR 0011): a second request while the first holds the lease is
 * answered 409 naming it, and starts nothing; once the first has finished, a new one is accepted.
 * Every answer is checked against the OpenAPI document (test/support/answer-contract.ts); nothing
 * is denied by the local IAM enforcement.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDbReconciliationLease } from '../../adapters/aws/reconciliation-lease';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReconciliationRun } from '../../canonical/generated/types';
import type { LocalEnvironment } from '../../local/environment';
import { operationsState } from '../../local/operations-state';
import { runSeedScenario } from '../../local/scenario/seed-scenario';
import { run as ops } from '../../ops/cli';
import { writeLocalRuntimeState } from '../../ops/local-state';
import { buildTopology, inventoryFromTemplate } from '../../ops/topology';
import type { TrytonSandbox } from '../support/tryton';
import { acceptedEvents, callApi, startOnTryton, waitFor } from './support';

const RUNS = '/v1/reconciliation-runs';

let tryton: TrytonSandbox;
let environment: LocalEnvironment;
let externalRef: string;
let stateDir: string;
let stateFile: string;

beforeAll(async () => {
  ({ tryton, environment } = await startOnTryton());
  const scenario = await runSeedScenario(environment);
  if (!scenario.ok) throw new Error(`seed scenario failed: ${scenario.reason}`);
  externalRef = scenario.externalRef!;
  // What local/start.ts writes for `ops --local`.
  stateDir = mkdtempSync(join(tmpdir(), 'supplyline-reconcile-'));
  stateFile = join(stateDir, 'local-runtime.json');
  writeLocalRuntimeState(operationsState(environment.runtime), stateFile);
}, 300_000);

afterAll(async () => {
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  await environment?.stop();
  await tryton?.stop();
});

async function statusOf(runId: string): Promise<ReconciliationRun> {
  const answer = await callApi(environment, `${RUNS}/${runId}`);
  expect(answer.status).toBe(200);
  return answer.body as unknown as ReconciliationRun;
}

/** The run's status once it is no longer requested or running. */
const ended = (runId: string) =>
  waitFor(
    `reconciliation run ${runId} to end`,
    async () => {
      const run = await statusOf(runId);
      return run.status === 'finished' || run.status === 'failed' ? run : false;
    },
    120_000,
  );

const topology = () => buildTopology(inventoryFromTemplate(environment.runtime.model));

async function reportText(key: string): Promise<string> {
  const { runtime } = environment;
  const bucket = topology().buckets.reconciliationReports!;
  const object = await runtime.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToString('utf-8');
}

describe('an on-demand reconciliation run on the local runtime', () => {
  it('is accepted (202 + Location), runs in the bulk lane, finishes with its counts, and its report is in the local S3', async () => {
    const asked = await callApi(environment, RUNS, { method: 'POST', body: {} });
    expect(asked.status).toBe(202);
    const runId = String(asked.body.runId);
    expect(asked.location).toBe(`${RUNS}/${runId}`);
    expect(asked.body).toMatchObject({ runId, status: 'requested', requestedBy: 'ops-cli' });

    const run = await ended(runId);
    expect(run, run.reason).toMatchObject({ status: 'finished', requestedBy: 'ops-cli' });
    expect(run.summary!.orders).toBeGreaterThanOrEqual(1);
    expect(run.reports).toEqual([expect.stringMatching(/\.json$/), expect.stringMatching(/\.csv$/)]);

    const report = JSON.parse(await reportText(run.reports![0]!)) as {
      summary: { runId: string; orders: number };
    };
    expect(report.summary).toMatchObject({ runId, orders: run.summary!.orders });
    expect(await reportText(run.reports![1]!)).toMatch(/^class,/);

    // Handed over once, run by the bulk lane's consumer, with nothing denied on the way.
    const { runtime } = environment;
    const requested = acceptedEvents(environment, 'reconciliation-run.requested').filter(
      (event) => (event.detail as { data: { runId: string } }).data.runId === runId,
    );
    expect(requested).toHaveLength(1);
    const consumer = runtime.functionName('reconciliation-run');
    expect(
      runtime
        .invocations()
        .filter((i) => i.functionName === consumer && JSON.stringify(i.event).includes(runId)),
    ).toHaveLength(1);
    expect(runtime.accessDenials).toEqual([]);
    // The seed scenario's order agrees in the three systems: nothing to report about it.
    expect(await reportText(run.reports![1]!)).not.toContain(externalRef);
  });

  it('answers a second request while a run holds the lease with 409 naming it, starts nothing, and accepts a new one after it', async () => {
    const requestedBefore = acceptedEvents(environment, 'reconciliation-run.requested').length;
    const [first, second] = await Promise.all([
      callApi(environment, RUNS, { method: 'POST', body: {} }),
      callApi(environment, RUNS, { method: 'POST', body: {} }),
    ]);
    const answers = [first, second].sort((a, b) => a.status - b.status);
    expect(answers.map((a) => a.status)).toEqual([202, 409]);
    const [accepted, refused] = answers as [(typeof answers)[0], (typeof answers)[0]];
    const runId = String(accepted.body.runId);
    expect(refused.contentType).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      status: 409,
      type: expect.stringMatching(/reconciliation-run-in-progress$/),
    });
    expect(String(refused.body.detail)).toContain(runId);
    expect(refused.location).toBe(`${RUNS}/${runId}`);

    const run = await ended(runId);
    expect(run.status, run.reason).toBe('finished');
    // Only the accepted run was handed over.
    expect(acceptedEvents(environment, 'reconciliation-run.requested')).toHaveLength(requestedBefore + 1);

    // The finished run gave the lease up.
    const next = await callApi(environment, RUNS, { method: 'POST', body: {} });
    expect(next.status).toBe(202);
    expect((await ended(String(next.body.runId))).status).toBe('finished');
  });

  it('`ops reconcile --local` asks through the same API: refused while another run holds the lease, then followed to its end', async () => {
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await ops([...args, '--state-file', stateFile], {
        out: (text) => out.push(text),
        err: (text) => err.push(text),
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    // The daily run, say, holds the lease.
    const lease = new DynamoDbReconciliationLease(
      DynamoDBDocumentClient.from(environment.runtime.clients.dynamodb),
      topology().tables.circuitBreaker!,
    );
    const daily = `daily-${Date.now()}`;
    expect(await lease.acquire(daily, new Date(Date.now() + 60_000).toISOString())).toEqual({
      acquired: true,
    });
    const requestedBefore = acceptedEvents(environment, 'reconciliation-run.requested').length;
    const refused = await cli('reconcile');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('answered 409');
    expect(refused.err).toContain(daily);
    expect(acceptedEvents(environment, 'reconciliation-run.requested')).toHaveLength(requestedBefore);

    await lease.release(daily);
    const done = await cli('reconcile', '--json');
    expect(done.code, done.err).toBe(0);
    const result = JSON.parse(done.out) as { run: ReconciliationRun; reports: string[] };
    expect(result.run).toMatchObject({ status: 'finished', requestedBy: 'ops-cli' });
    expect(result.run.summary!.orders).toBeGreaterThanOrEqual(1);
    const bucket = topology().buckets.reconciliationReports!;
    expect(result.reports).toEqual(result.run.reports!.map((key) => `s3://${bucket}/${key}`));
    expect(await statusOf(result.run.runId)).toEqual(result.run);
    expect(environment.runtime.accessDenials).toEqual([]);
  });
});
