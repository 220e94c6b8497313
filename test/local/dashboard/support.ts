/** A dashboard source with nothing behind it, for tests of the dashboard's own HTTP behaviour. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { buildTemplateModel } from '../../../assembly';
import type { DashboardSource } from '../../../local/dashboard/server';
import { INLINE_TEMPLATE } from '../../assembly/inline-template';

/** A POST that gets past every check ends in the route's own 400 (no such consumer). */
export function emptyDashboardSource(): DashboardSource {
  const unreachable = {
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  };
  return {
    model: buildTemplateModel({ Resources: {} }, INLINE_TEMPLATE),
    clients: { dynamodb: new DynamoDBClient(unreachable), sqs: new SQSClient(unreachable) },
    sqsServer: undefined,
    executions: () => [],
    invocations: () => [],
    busActivity: () => [],
    apiRequests: () => [],
    metrics: { query: () => [] },
  } as unknown as DashboardSource;
}
