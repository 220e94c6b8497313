/**
 * The escalation function with AWS mocked at the SDK boundary: it reads the OPEN exceptions, marks
 * the overdue ones escalated with a conditional update, announces each on the bus, and gauges the
 * open exceptions by age bucket (EMF on stdout).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BUSINESS_RULES_ENV_VAR, TABLES } from '../../../application/resources';
import type * as Escalation from '../../../functions/scheduled/integration-exception-escalation';
import { integrationException } from '../../fixtures/integration-exceptions';

const documents = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);

const item = (exceptionId: string, raisedAt: string, extra: Record<string, unknown> = {}) => ({
  ...integrationException({ exceptionId, raisedAt }),
  ...extra,
});

let handler: typeof Escalation.handler;
let stdout: string[];
beforeAll(async () => {
  vi.useFakeTimers({ now: new Date('2026-12-05T12:00:00Z'), toFake: ['Date'] });
  Object.assign(process.env, {
    [TABLES.integrationExceptions.envVar]: 'integration-exceptions',
    [BUSINESS_RULES_ENV_VAR]: JSON.stringify({ currency: 'USD' }),
    EVENT_BUS_NAME: 'supplyline',
    TENANT_ID: 'dev',
  });
  ({ handler } = await import('../../../functions/scheduled/integration-exception-escalation'));
});
afterAll(() => vi.useRealTimers());
beforeEach(() => {
  documents.reset();
  eventBridge.reset();
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

/** The EMF gauges by age bucket the invocation printed. */
function byAgeGauges(): Record<string, number> {
  return Object.fromEntries(
    stdout
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('IntegrationExceptionsOpenByAge'))
      .map((line) => JSON.parse(line) as { AgeBucket: string; IntegrationExceptionsOpenByAge: number })
      .map((emf) => [emf.AgeBucket, emf.IntegrationExceptionsOpenByAge]),
  );
}

describe('integration-exception-escalation', () => {
  it('escalates the overdue exceptions once, announces them and gauges every age bucket', async () => {
    documents.on(QueryCommand).resolves({
      Items: [
        item('IX-OLD', '2026-12-04T10:00:00.000Z', { correlationId: 'flow-7' }),
        item('IX-DONE-BEFORE', '2026-12-04T09:00:00.000Z', { escalatedAt: '2026-12-05T09:00:00.000Z' }),
        item('IX-CRIT', '2026-12-05T07:00:00.000Z', { code: 'CIRCUIT_OPEN', system: 'erp' }),
        item('IX-YOUNG', '2026-12-05T11:30:00.000Z'),
      ],
    });
    documents.on(UpdateCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });

    const pass = await handler();

    expect(pass.escalated).toEqual(['IX-OLD', 'IX-CRIT']);
    const [query] = documents.commandCalls(QueryCommand);
    expect(query!.args[0].input).toMatchObject({
      TableName: 'integration-exceptions',
      IndexName: 'byStatus',
      ExpressionAttributeValues: { ':open': 'OPEN' },
    });
    const updates = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates.map((update) => [update.Key, update.ConditionExpression])).toEqual([
      [{ exceptionId: 'IX-OLD' }, '#status = :open AND attribute_not_exists(escalatedAt)'],
      [{ exceptionId: 'IX-CRIT' }, '#status = :open AND attribute_not_exists(escalatedAt)'],
    ]);
    const entries = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries.map((entry) => [entry.DetailType, JSON.parse(entry.Detail!).data.exceptionId])).toEqual([
      ['integration-exception.escalated', 'IX-OLD'],
      ['integration-exception.escalated', 'IX-CRIT'],
    ]);
    expect(JSON.parse(entries[0]!.Detail!)).toMatchObject({ correlationId: 'flow-7', tenantId: 'dev' });
    expect(byAgeGauges()).toEqual({ 'under-1h': 1, '1h-4h': 0, '4h-24h': 1, 'over-24h': 2 });
  });

  it('announces nothing for an exception another pass escalated first (the condition fails)', async () => {
    documents.on(QueryCommand).resolves({ Items: [item('IX-OLD', '2026-12-04T10:00:00.000Z')] });
    documents
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} }));

    expect((await handler()).escalated).toEqual([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('takes the mark back when the bus refuses the announcement, and fails the invocation', async () => {
    documents.on(QueryCommand).resolves({ Items: [item('IX-OLD', '2026-12-04T10:00:00.000Z')] });
    documents.on(UpdateCommand).resolves({});
    eventBridge.on(PutEventsCommand).rejects(new Error('bus unavailable'));

    await expect(handler()).rejects.toThrow();
    const updates = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates.at(-1)).toMatchObject({
      Key: { exceptionId: 'IX-OLD' },
      UpdateExpression: 'REMOVE escalatedAt',
      ExpressionAttributeValues: { ':at': '2026-12-05T12:00:00.000Z' },
    });
  });
});
