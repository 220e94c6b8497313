/**
 * The local IAM enforcement's cost on a function's hot path: a DynamoDB GetItem sent by a
 * function's credentials through the authorizing proxy (local/iam) against the same GetItem sent
 * straight to dynalite, in the same run. Paired runs (alternating, after a warm-up), each the
 * wall-clock median of sequential calls; the budget is the median ratio of those runs.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { FunctionModel, TableModel } from '../../assembly';
import { startDynamoDb } from '../../local/dynamodb/start';
import { LOCAL_CREDENTIALS } from '../../local/http/aws-json';
import { functionAccessKeyId, startIamEnforcement } from '../../local/iam/enforcement';
import { atMost, median, reference, type BenchRow } from './harness';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const CALLS = 300;
const RUNS = 7;
/** At most this many times the direct call's latency (one extra loopback hop and a body parse). */
const BUDGET = 1.6;

const TABLE: TableModel = {
  logicalId: 'BenchTable',
  constructId: 'BenchTable',
  name: 'bench',
  arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/bench`,
  createTableInput: {
    TableName: 'bench',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  },
};

/** A role shaped like the catalog's: several tables, the bus, secrets; the table allowed last. */
const FUNCTION = {
  logicalId: 'BenchFunction',
  constructId: 'BenchFunction',
  name: 'bench-function',
  permissions: [
    ...['ledger', 'breakers', 'exceptions', 'quarantine'].map((table) => ({
      effect: 'Allow' as const,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      resources: [
        `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}`,
        `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}/index/*`,
      ],
      conditional: false,
    })),
    {
      effect: 'Allow' as const,
      actions: ['events:PutEvents'],
      resources: [`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/b`],
      conditional: false,
    },
    { effect: 'Allow' as const, actions: ['dynamodb:GetItem'], resources: [TABLE.arn], conditional: false },
  ],
} as FunctionModel;

async function microsPerCall(client: DynamoDBClient): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < CALLS; i += 1) {
    const started = process.hrtime.bigint();
    await client.send(new GetItemCommand({ TableName: 'bench', Key: { pk: { S: `k${i % 10}` } } }));
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return median(times);
}

/** Median per-call latency direct and through the enforcement, and their ratio. */
export async function benchIamEnforcement(): Promise<BenchRow[]> {
  const dynamo = await startDynamoDb(
    { region: REGION, tables: [TABLE] },
    { host: '127.0.0.1', log: () => undefined },
  );
  const enforcement = await startIamEnforcement(
    { functions: [FUNCTION], secrets: [], region: REGION, account: ACCOUNT },
    {
      endpoints: {
        dynamodb: dynamo.endpoint,
        sqs: dynamo.endpoint,
        s3: dynamo.endpoint,
        eventbridge: dynamo.endpoint,
        stepfunctions: dynamo.endpoint,
        secretsmanager: dynamo.endpoint,
      },
      host: '127.0.0.1',
      taskTokenStateMachine: () => undefined,
      onDenial: (denial) => {
        throw new Error(`bench call refused: ${denial.action} on ${denial.resource}`);
      },
      log: () => undefined,
    },
  );
  const direct = new DynamoDBClient({
    region: REGION,
    endpoint: dynamo.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  const enforced = new DynamoDBClient({
    region: REGION,
    endpoint: enforcement.endpoints.dynamodb,
    credentials: { accessKeyId: functionAccessKeyId(FUNCTION), secretAccessKey: 'local' },
  });
  try {
    for (let i = 0; i < 10; i += 1)
      await direct.send(
        new PutItemCommand({ TableName: 'bench', Item: { pk: { S: `k${i}` }, v: { S: 'x'.repeat(200) } } }),
      );
    await microsPerCall(direct);
    await microsPerCall(enforced);
    const directRuns: number[] = [];
    const enforcedRuns: number[] = [];
    const ratios: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const d = await microsPerCall(direct);
      const e = await microsPerCall(enforced);
      directRuns.push(d);
      enforcedRuns.push(e);
      ratios.push(e / d);
    }
    return [
      reference('GetItem straight to dynalite', Math.round(median(directRuns)), 'us/call'),
      reference(
        'GetItem with a function key through the IAM enforcement',
        Math.round(median(enforcedRuns)),
        'us/call',
      ),
      atMost('enforced / straight (median of paired runs)', Number(median(ratios).toFixed(2)), 'x', BUDGET),
    ];
  } finally {
    direct.destroy();
    enforced.destroy();
    await enforcement.stop();
    await dynamo.stop();
  }
}
