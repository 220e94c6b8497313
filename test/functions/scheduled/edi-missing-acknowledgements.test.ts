/**
 * The hourly missing-997 function with AWS mocked at the SDK boundary: it asks the ledger, per
 * configured partner, for 850s sent more than 24 hours ago with no 997, and puts one integration
 * exception per 850 on the bus.
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EDI_PARTNERS_ENV_VAR } from '../../../application/edi-partners';
import { TABLES } from '../../../application/resources';
import type * as MissingAcknowledgements from '../../../functions/scheduled/edi-missing-acknowledgements';
import { PARTNER } from '../../fixtures/edi';

const documents = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);
const SENT = {
  partnerId: PARTNER.partnerId,
  poNumber: 'PO-2026-004411',
  revision: 1,
  purpose: '00',
  interchangeNumber: 7,
  preparedAt: '2026-11-26T08:00:00.000Z',
  key: 'outbound/acme-beverages/000000007-850-PO-2026-004411.x12',
};

let handler: typeof MissingAcknowledgements.handler;
beforeAll(async () => {
  vi.useFakeTimers({ now: new Date('2026-11-27T09:00:00Z'), toFake: ['Date'] });
  Object.assign(process.env, {
    [EDI_PARTNERS_ENV_VAR]: JSON.stringify([PARTNER]),
    [TABLES.ediLedger.envVar]: 'edi-ledger',
    EVENT_BUS_NAME: 'supplyline',
    TENANT_ID: 'dev',
  });
  ({ handler } = await import('../../../functions/scheduled/edi-missing-acknowledgements'));
});
afterAll(() => vi.useRealTimers());

describe('edi-missing-acknowledgements', () => {
  it('raises the 850 the ledger lists as unanswered 24 hours after it was sent', async () => {
    documents
      .on(QueryCommand)
      .resolves({ Items: [{ pk: 'PARTNER#acme-beverages', sk: 'AWAIT997#000000007', ...SENT }] });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });

    expect(await handler()).toEqual({ missing: 1 });

    const [query] = documents.commandCalls(QueryCommand);
    expect(query!.args[0].input).toMatchObject({
      TableName: 'edi-ledger',
      ExpressionAttributeValues: { ':pk': 'PARTNER#acme-beverages', ':before': '2026-11-26T09:00:00.000Z' },
    });
    const entries = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      EventBusName: 'supplyline',
      DetailType: 'integration-exception.raised',
    });
    expect(JSON.parse(entries[0]!.Detail!).data).toMatchObject({
      code: 'EDI_ACKNOWLEDGEMENT_MISSING',
      objectId: SENT.key,
    });
  });
});
