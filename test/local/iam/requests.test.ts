/** What IAM checks each stand-in request needs, per protocol (JSON targets, SQS query, S3 REST). */
import { describe, expect, it } from 'vitest';
import { accessChecks, type ResourceNaming, type StandInRequest } from '../../../local/iam/requests';

const NAMING: ResourceNaming = {
  region: 'us-east-1',
  account: '000000000000',
  secretArn: (id) =>
    id === 'planning-signing'
      ? 'arn:aws:secretsmanager:us-east-1:000000000000:secret:planning-signing-a1b2c3'
      : id,
  taskTokenStateMachine: (token) =>
    token === 'waiting' ? 'arn:aws:states:us-east-1:000000000000:stateMachine:approval' : undefined,
};
const ARN = (service: string, resource: string) => `arn:aws:${service}:us-east-1:000000000000:${resource}`;

function json(target: string, input: unknown): StandInRequest {
  return {
    method: 'POST',
    host: '127.0.0.1:1',
    url: '/',
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' },
    body: Buffer.from(JSON.stringify(input)),
  };
}
function s3(method: string, host: string, url: string, headers = {}, body = ''): StandInRequest {
  return { method, host, url, headers, body: Buffer.from(body) };
}

describe('accessChecks: AWS JSON protocols', () => {
  it('DynamoDB: the operation on the table, an index as its own resource', () => {
    expect(
      accessChecks(json('DynamoDB_20120810.PutItem', { TableName: 'Ledger', Item: {} }), NAMING),
    ).toEqual([{ action: 'dynamodb:PutItem', resource: ARN('dynamodb', 'table/Ledger') }]);
    expect(
      accessChecks(
        json('DynamoDB_20120810.Query', { TableName: 'Ledger', IndexName: 'byObjectType' }),
        NAMING,
      ),
    ).toEqual([{ action: 'dynamodb:Query', resource: ARN('dynamodb', 'table/Ledger/index/byObjectType') }]);
    expect(accessChecks(json('DynamoDB_20120810.ListTables', {}), NAMING)).toEqual([
      { action: 'dynamodb:ListTables', resource: '*' },
    ]);
  });

  it('DynamoDB transactions and batches: each item as its single-item action, each table', () => {
    const transaction = json('DynamoDB_20120810.TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'Ledger', Item: {} } },
        { Update: { TableName: 'Breakers', Key: {} } },
        { ConditionCheck: { TableName: 'Ledger', Key: {} } },
        { Delete: { TableName: 'Scratch', Key: {} } },
      ],
    });
    expect(accessChecks(transaction, NAMING)).toEqual([
      { action: 'dynamodb:PutItem', resource: ARN('dynamodb', 'table/Ledger') },
      { action: 'dynamodb:UpdateItem', resource: ARN('dynamodb', 'table/Breakers') },
      { action: 'dynamodb:ConditionCheckItem', resource: ARN('dynamodb', 'table/Ledger') },
      { action: 'dynamodb:DeleteItem', resource: ARN('dynamodb', 'table/Scratch') },
    ]);
    expect(
      accessChecks(
        json('DynamoDB_20120810.BatchWriteItem', { RequestItems: { Ledger: [], Scratch: [] } }),
        NAMING,
      ),
    ).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: ARN('dynamodb', 'table/Ledger') },
      { action: 'dynamodb:BatchWriteItem', resource: ARN('dynamodb', 'table/Scratch') },
    ]);
  });

  it('EventBridge PutEvents: each bus the entries name once, `default` when they name none', () => {
    const request = json('AWSEvents.PutEvents', {
      Entries: [{ EventBusName: 'supplyline' }, { EventBusName: 'supplyline' }, {}],
    });
    expect(accessChecks(request, NAMING)).toEqual([
      { action: 'events:PutEvents', resource: ARN('events', 'event-bus/supplyline') },
      { action: 'events:PutEvents', resource: ARN('events', 'event-bus/default') },
    ]);
  });

  it('Step Functions: the state machine started, or the one whose execution waits on the task token', () => {
    const machine = ARN('states', 'stateMachine:purchase-commitment');
    expect(
      accessChecks(json('AWSStepFunctions.StartExecution', { stateMachineArn: machine }), NAMING),
    ).toEqual([{ action: 'states:StartExecution', resource: machine }]);
    expect(accessChecks(json('AWSStepFunctions.SendTaskSuccess', { taskToken: 'waiting' }), NAMING)).toEqual([
      { action: 'states:SendTaskSuccess', resource: ARN('states', 'stateMachine:approval') },
    ]);
    // An unknown token is the endpoint's to answer (TaskTimedOut), as for any caller.
    expect(accessChecks(json('AWSStepFunctions.SendTaskSuccess', { taskToken: 'gone' }), NAMING)).toEqual([]);
  });

  it('Secrets Manager: the secret by ARN, a name resolved to its ARN', () => {
    expect(
      accessChecks(json('secretsmanager.GetSecretValue', { SecretId: 'planning-signing' }), NAMING),
    ).toEqual([
      {
        action: 'secretsmanager:GetSecretValue',
        resource: ARN('secretsmanager', 'secret:planning-signing-a1b2c3'),
      },
    ]);
  });

  it('SQS (JSON and query protocols): the queue of the URL, batches as their single actions', () => {
    const queueUrl = 'http://sqs.us-east-1.localhost:4566/000000000000/evaluation';
    expect(
      accessChecks(json('AmazonSQS.SendMessageBatch', { QueueUrl: queueUrl, Entries: [] }), NAMING),
    ).toEqual([{ action: 'sqs:SendMessage', resource: ARN('sqs', 'evaluation') }]);
    const query: StandInRequest = {
      method: 'POST',
      host: '127.0.0.1:1',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(
        `Action=ChangeMessageVisibility&QueueUrl=${encodeURIComponent(queueUrl)}&VisibilityTimeout=5`,
      ),
    };
    expect(accessChecks(query, NAMING)).toEqual([
      { action: 'sqs:ChangeMessageVisibility', resource: ARN('sqs', 'evaluation') },
    ]);
  });

  it('passes an unknown target prefix through (nothing this runtime serves)', () => {
    expect(accessChecks(json('Logs_20140328.PutLogEvents', {}), NAMING)).toBeUndefined();
  });
});

describe('accessChecks: S3 REST', () => {
  const host = 'audit.s3.localhost:4566';
  it('reads the bucket from a virtual host or the path, the key after it', () => {
    expect(accessChecks(s3('GET', host, '/2026/12/a%20b.json?x-id=GetObject'), NAMING)).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::audit/2026/12/a b.json' },
    ]);
    expect(accessChecks(s3('PUT', '127.0.0.1:4566', '/audit/k.json'), NAMING)).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::audit/k.json' },
    ]);
  });

  it('maps method and query to the action: list, head, delete, versions, sub-resources', () => {
    expect(accessChecks(s3('GET', host, '/?list-type=2&prefix=2026'), NAMING)).toEqual([
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::audit' },
    ]);
    expect(accessChecks(s3('HEAD', host, '/k'), NAMING)).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::audit/k' },
    ]);
    expect(accessChecks(s3('DELETE', host, '/k?versionId=3'), NAMING)).toEqual([
      { action: 's3:DeleteObjectVersion', resource: 'arn:aws:s3:::audit/k' },
    ]);
    expect(accessChecks(s3('PUT', host, '/k?retention'), NAMING)).toEqual([
      { action: 's3:PutObjectRetention', resource: 'arn:aws:s3:::audit/k' },
    ]);
  });

  it('checks each key of DeleteObjects, and Object Lock settings on a write', () => {
    const body = '<Delete><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key></Object></Delete>';
    expect(accessChecks(s3('POST', host, '/?delete', {}, body), NAMING)).toEqual([
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::audit/a&b' },
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::audit/c' },
    ]);
    expect(accessChecks(s3('PUT', host, '/k', { 'x-amz-object-lock-mode': 'COMPLIANCE' }), NAMING)).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::audit/k' },
      { action: 's3:PutObjectRetention', resource: 'arn:aws:s3:::audit/k' },
    ]);
  });
});
