/** Shared by the workflow task tests: the environment the function catalog sets, and SDK mocks. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { ENVIRONMENTS } from '../../../application/environments';

/** The variables the CDK app sets on the workflow task functions (application/functions.ts). */
export const TASK_ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  EVENT_BUS_NAME: 'supplyline-test',
  TENANT_ID: 'acme',
  SUPPLYLINE_BUSINESS_RULES: JSON.stringify(ENVIRONMENTS.dev.business),
  WORKFLOW_CORRELATION_TABLE_NAME: 'workflow-correlation',
  SYNC_LEDGER_TABLE_NAME: 'sync-ledger',
  CIRCUIT_BREAKER_TABLE_NAME: 'circuit-breaker',
  PROCUREMENT_OAUTH_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:procurement',
  PROCUREMENT_BASE_URL: 'https://procurement.test',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

export const dynamo = mockClient(DynamoDBDocumentClient);
export const eventBridge = mockClient(EventBridgeClient);
export const sfn = mockClient(SFNClient);
export const secrets = mockClient(SecretsManagerClient);

/** Resets the mocks to a working AWS: writes succeed, events are accepted, the secret is set. */
export function resetAws(): void {
  for (const mock of [dynamo, eventBridge, sfn, secrets]) mock.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ client_id: 'supplyline', client_secret: 's3cret' }) });
}

/** The canonical events published on the bus so far. */
export function published(): CanonicalEvent[] {
  return eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => JSON.parse(entry.Detail!) as CanonicalEvent);
}

/** What DynamoDB answers when a condition fails. */
export const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
