/**
 * The IAM enforcement in front of real stand-ins (the Secrets Manager endpoint, fauxqs's SQS and
 * S3), called by unmodified SDK clients: a function's own access key gets what its role allows and
 * the service's AccessDenied for the rest, logged with function, action and resource; the plain
 * `local` key (the runtime, ops, tests) is not checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { FunctionModel, SecretModel } from '../../../assembly';
import { LOCAL_CREDENTIALS } from '../../../local/http/aws-json';
import {
  functionAccessKeyId,
  startIamEnforcement,
  type AccessDenial,
  type IamEnforcement,
} from '../../../local/iam/enforcement';
import { startSecretsManager, type LocalSecretsManager } from '../../../local/secretsmanager/start';
import { startSqsStandIn, type SqsStandIn } from '../../../local/sqs/stand-in';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const secret = (name: string): SecretModel => ({
  logicalId: name,
  constructId: name,
  name,
  arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-a1b2c3`,
  secretString: `${name}-value`,
});
const SIGNING = secret('planning-signing');
const OTHER = secret('procurement-client');
const WEBHOOK = {
  logicalId: 'PlanningWebhook1234',
  constructId: 'PlanningWebhook',
  name: 'Supplyline-test-PlanningWebhook',
  permissions: [
    {
      effect: 'Allow',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [SIGNING.arn],
      conditional: false,
    },
    { effect: 'Allow', actions: ['s3:PutObject'], resources: ['arn:aws:s3:::audit/*'], conditional: false },
    {
      effect: 'Allow',
      actions: ['sqs:SendMessage'],
      resources: [`arn:aws:sqs:${REGION}:${ACCOUNT}:lane`],
      conditional: false,
    },
  ],
} as FunctionModel;

let secretsManager: LocalSecretsManager;
let fauxqs: SqsStandIn;
let enforcement: IamEnforcement;
const denials: AccessDenial[] = [];
const lines: string[] = [];
let queueUrl: string;

beforeAll(async () => {
  secretsManager = await startSecretsManager(
    { secrets: [SIGNING, OTHER] },
    { host: '127.0.0.1', log: () => undefined },
  );
  fauxqs = await startSqsStandIn({ region: REGION });
  fauxqs.createBucket('audit');
  queueUrl = `http://sqs.${REGION}.localhost:${fauxqs.port}/${ACCOUNT}/lane`;
  fauxqs.createQueue('lane', { region: REGION });
  fauxqs.createQueue('other', { region: REGION });
  const sqs = `http://127.0.0.1:${fauxqs.port}`;
  enforcement = await startIamEnforcement(
    { functions: [WEBHOOK], secrets: [SIGNING, OTHER], region: REGION, account: ACCOUNT },
    {
      endpoints: {
        secretsmanager: secretsManager.endpoint,
        sqs,
        s3: `http://s3.localhost:${fauxqs.port}`,
        dynamodb: sqs,
        eventbridge: sqs,
        stepfunctions: sqs,
      },
      host: '127.0.0.1',
      taskTokenStateMachine: () => undefined,
      onDenial: (denial) => denials.push(denial),
      log: (line) => lines.push(line),
    },
  );
});
afterAll(async () => {
  await enforcement?.stop();
  await secretsManager?.stop();
  await fauxqs?.stop();
});

const asFunction = { accessKeyId: functionAccessKeyId(WEBHOOK), secretAccessKey: 'local' };
const clients = (credentials: { accessKeyId: string; secretAccessKey: string }) => ({
  secrets: new SecretsManagerClient({
    region: REGION,
    endpoint: enforcement.endpoints.secretsmanager,
    credentials,
  }),
  // Path style: this process does not resolve `<bucket>.s3.localhost` (the function workers do).
  s3: new S3Client({
    region: REGION,
    endpoint: enforcement.endpoints.s3.replace('s3.localhost', '127.0.0.1'),
    forcePathStyle: true,
    credentials,
  }),
  sqs: new SQSClient({ region: REGION, endpoint: enforcement.endpoints.sqs, credentials }),
});

describe('IAM enforcement at the stand-ins', () => {
  it('gives a function what its role allows, through to the stand-in', async () => {
    const { secrets, s3, sqs } = clients(asFunction);
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: SIGNING.arn }));
    expect(value.SecretString).toBe('planning-signing-value');
    // By name too: the name is the secret's ARN to IAM.
    const byName = await secrets.send(new GetSecretValueCommand({ SecretId: SIGNING.name }));
    expect(byName.ARN).toBe(SIGNING.arn);
    await s3.send(new PutObjectCommand({ Bucket: 'audit', Key: 'decisions/1.json', Body: '{}' }));
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'work' }));
    expect(sent.MessageId).toBeTruthy();
    expect(denials).toEqual([]);
  });

  it('refuses the rest with each service own AccessDenied, naming function, action and resource', async () => {
    const { secrets, s3, sqs } = clients(asFunction);
    const secretError = await secrets
      .send(new GetSecretValueCommand({ SecretId: OTHER.arn }))
      .catch((e: Error) => e);
    expect(secretError).toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    expect((secretError as Error).message).toContain(
      `secretsmanager:GetSecretValue on resource: ${OTHER.arn}`,
    );
    const readError = await s3
      .send(new GetObjectCommand({ Bucket: 'audit', Key: 'decisions/1.json' }))
      .catch((e: Error) => e);
    expect(readError).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const otherQueue = queueUrl.replace(/lane$/, 'other');
    const sendError = await sqs
      .send(new SendMessageCommand({ QueueUrl: otherQueue, MessageBody: 'x' }))
      .catch((e: Error) => e);
    expect(sendError).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

    expect(denials.map(({ constructId, action, resource }) => ({ constructId, action, resource }))).toEqual([
      { constructId: 'PlanningWebhook', action: 'secretsmanager:GetSecretValue', resource: OTHER.arn },
      {
        constructId: 'PlanningWebhook',
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::audit/decisions/1.json',
      },
      {
        constructId: 'PlanningWebhook',
        action: 'sqs:SendMessage',
        resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:other`,
      },
    ]);
    expect(lines).toContain(
      `access denied: PlanningWebhook (Supplyline-test-PlanningWebhook) may not secretsmanager:GetSecretValue on ${OTHER.arn}: no statement of its role allows it`,
    );
    // Nothing reached the stand-in: the queue holds only the message allowed above.
    expect(fauxqs.inspectQueue('other')?.messages.ready).toHaveLength(0);
  });

  it('does not check the plain local credentials (the runtime, the ops CLI, tests)', async () => {
    const before = denials.length;
    const { secrets, s3 } = clients(LOCAL_CREDENTIALS);
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: OTHER.arn }))).SecretString).toBe(
      'procurement-client-value',
    );
    const object = await s3.send(new GetObjectCommand({ Bucket: 'audit', Key: 'decisions/1.json' }));
    expect(await object.Body?.transformToString()).toBe('{}');
    expect(denials).toHaveLength(before);
  });
});
