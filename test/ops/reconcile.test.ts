/**
 * `ops reconcile` against AWS, mocked at the SDK boundary: CloudFormation names the stack's
 * function and bucket, Lambda runs the reconciliation. What is sent (function, synchronous invoke,
 * window start), what is printed, and a failed run exiting 1 with its reason.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run, type CliIo } from '../../ops/cli';
import type { ReconciliationRun } from '../../ops/reconcile';

const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);

const FUNCTION = 'Supplyline-dev-PurchaseOrderReconciliation-k3Jd82';
const BUCKET = 'supplyline-dev-reconciliation-reports';

const RUN: ReconciliationRun = {
  runId: '20261205T041500000Z-1a2b3c4d',
  startedAt: '2026-12-05T04:15:00.000Z',
  finishedAt: '2026-12-05T04:16:30.000Z',
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
  committedValues: [],
  committedValueDifferences: 1,
  reportKeys: ['runs/2026/12/05/run.json', 'runs/2026/12/05/run.csv'],
};

/** The SDK's payload type is a Uint8Array with string helpers the CLI does not use. */
const encode = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as unknown as NonNullable<InvokeCommandOutput['Payload']>;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
  return { cli, out, err };
}

const sentPayload = () =>
  JSON.parse(
    new TextDecoder().decode(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array),
  ) as unknown;

beforeEach(() => {
  cloudFormation.reset();
  lambda.reset();
  cloudFormation.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      {
        LogicalResourceId: 'FunctionsPurchaseOrderReconciliation5C1A9E0B',
        PhysicalResourceId: FUNCTION,
        ResourceType: 'AWS::Lambda::Function',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
      {
        LogicalResourceId: 'FunctionsPurchaseOrderReconciliationServiceRole0D1E2F3A',
        PhysicalResourceId: 'role',
        ResourceType: 'AWS::IAM::Role',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
      },
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
  lambda.reset();
});

describe('ops reconcile', () => {
  it("invokes the stack's reconciliation function synchronously with the window start and prints the summary", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: encode(RUN) });
    const { cli, out } = io();
    const code = await run(['reconcile', '--since', '2026-11-01T00:00:00Z', '--region', 'eu-west-1'], cli);
    expect(code).toBe(0);
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ FunctionName: FUNCTION, InvocationType: 'RequestResponse' });
    expect(sentPayload()).toEqual({ since: '2026-11-01T00:00:00.000Z' });
    const text = out.join('\n');
    expect(text).toContain('1200 order(s) from 2026-11-01T00:00:00Z to 2026-12-05T04:15:00Z');
    expect(text).toMatch(/status_lag\s+4/);
    expect(text).toMatch(/quantity_mismatch\s+3/);
    expect(text).toMatch(/committed value differences:\s+1/);
    expect(text).toContain(`s3://${BUCKET}/runs/2026/12/05/run.json, s3://${BUCKET}/runs/2026/12/05/run.csv`);
  });

  it("without --since sends no window start (the contract's window) and prints JSON with --json", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: encode(RUN) });
    const { cli, out } = io();
    expect(await run(['reconcile', '--json', '--region', 'eu-west-1'], cli)).toBe(0);
    expect(sentPayload()).toEqual({});
    expect(JSON.parse(out.join('\n'))).toEqual({
      functionName: FUNCTION,
      run: RUN,
      reports: [`s3://${BUCKET}/runs/2026/12/05/run.json`, `s3://${BUCKET}/runs/2026/12/05/run.csv`],
    });
  });

  it('a failed run exits 1 with its reason', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: encode({ errorType: 'CircuitOpenError', errorMessage: 'the ERP circuit is open' }),
    });
    const { cli, err } = io();
    expect(await run(['reconcile', '--region', 'eu-west-1'], cli)).toBe(1);
    expect(err.join('\n')).toContain(
      `reconciliation run failed in ${FUNCTION} (CircuitOpenError): the ERP circuit is open`,
    );
  });

  it('refuses a --since that is not a time (exit 2) without invoking anything', async () => {
    const { cli, err } = io();
    expect(await run(['reconcile', '--since', 'yesterday', '--region', 'eu-west-1'], cli)).toBe(2);
    expect(err.join('\n')).toContain('--since must be an ISO 8601 time');
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});
