import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeliveryQuarantine } from '../../adapters/aws/delivery-quarantine';
import { signPlanningPayload } from '../../adapters/planning/signature';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/tables';
import { forecastExceptionDelivery } from '../fixtures/planning';

const eventBridge = mockClient(EventBridgeClient);
const secretsManager = mockClient(SecretsManagerClient);
let dynamo: LocalDynamo;
let lambdaHandler: (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<{ statusCode: number; body: string; headers?: unknown }>;
/** An invocation with the webhook's 10 s timeout ahead of it. */
const handler = (event: APIGatewayProxyEvent) =>
  lambdaHandler(event, { getRemainingTimeInMillis: () => 10_000 } as Context);

beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'handler' });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    EVENT_BUS_NAME: 'supplyline-test',
    TENANT_ID: 'acme',
    IDEMPOTENCY_TABLE_NAME: dynamo.tableNames.idempotency,
    SYNC_LEDGER_TABLE_NAME: dynamo.tableNames.syncLedger,
    WEBHOOK_QUARANTINE_TABLE_NAME: dynamo.tableNames.webhookQuarantine,
    PLANNING_WEBHOOK_SECRET_ARN: 'arn:planning-current',
    PLANNING_WEBHOOK_PREVIOUS_SECRET_ARN: 'arn:planning-previous',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: 'arn:planning-current' })
    .resolves({ SecretString: 'current' });
  secretsManager
    .on(GetSecretValueCommand, { SecretId: 'arn:planning-previous' })
    .resolves({ SecretString: 'previous' });
  eventBridge
    .on(PutEventsCommand)
    .callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));
  ({ handler: lambdaHandler } = await import('../../functions/webhooks/planning-webhook'));
});
afterAll(async () => dynamo.stop());

function apiEvent(body: string, secret = 'current'): APIGatewayProxyEvent {
  return {
    body,
    isBase64Encoded: false,
    headers: {
      'Content-Type': 'application/json',
      'X-Planning-Event': 'forecast.exception',
      'X-Planning-Signature': signPlanningPayload(Buffer.from(body), secret, new Date()),
    },
    requestContext: { requestId: 'req-1' },
  } as unknown as APIGatewayProxyEvent;
}

describe('planning webhook Lambda handler', () => {
  it('publishes one canonical event for 5 deliveries of the same event, with secrets from Secrets Manager', async () => {
    const body = JSON.stringify(forecastExceptionDelivery());
    const statuses = [];
    for (let delivery = 0; delivery < 5; delivery++)
      statuses.push((await handler(apiEvent(body))).statusCode);
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    // Secrets are cached: two reads (current + previous), not two per delivery.
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('accepts the previous secret during rotation and refuses a wrong one with 401 problem+json', async () => {
    const body = JSON.stringify(forecastExceptionDelivery({ exception: { exception_id: 'EXC-ROT' } }));
    expect((await handler(apiEvent(body, 'previous'))).statusCode).toBe(202);
    const refused = await handler(apiEvent(body, 'stolen'));
    expect(refused.statusCode).toBe(401);
    expect(refused.headers).toMatchObject({ 'content-type': 'application/problem+json' });
  });

  it('answers 503 with Retry-After, not 2xx, when the bus does not accept the event', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('service unavailable'));
    const body = JSON.stringify(forecastExceptionDelivery({ exception: { exception_id: 'EXC-DOWN' } }));
    const response = await handler(apiEvent(body));
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '5' });
    // Kept, in case the vendor gives up before the bus is back.
    const quarantine = new DeliveryQuarantine(
      DynamoDBDocumentClient.from(dynamo.client),
      dynamo.tableNames.webhookQuarantine,
    );
    const [kept] = await quarantine.list('open');
    expect(kept).toMatchObject({
      system: 'planning',
      eventType: 'forecast.exception',
      reason: { status: 503, type: 'urn:supplyline:problem:try-again' },
    });
    expect(Buffer.from(kept!.body).toString('utf8')).toBe(body);
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));
    expect((await handler(apiEvent(body))).statusCode).toBe(202);
  });
});
