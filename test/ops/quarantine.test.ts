/**
 * The operator's quarantine commands on the local DynamoDB (dynalite), the bus mocked at the SDK
 * boundary: deliveries quarantined by the real intake are listed, shown byte for byte, and
 * re-submitted through the intake's own steps.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planningWebhook } from '../../adapters/planning/webhook';
import { procurementWebhook } from '../../adapters/procurement/webhook';
import { receiveWebhook, type IntakePorts } from '../../adapters/webhooks/intake';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/tables';
import {
  listQuarantine,
  quarantineDetail,
  quarantineJson,
  quarantineTable,
  resubmitQuarantined,
  showQuarantined,
  type QuarantineAccess,
} from '../../ops/quarantine';
import { forecastExceptionDelivery } from '../fixtures/planning';
import { signedPlanningDelivery, tableIntakePorts, widenedWebhook } from '../support/webhook-intake';

const eventBridge = mockClient(EventBridgeClient);
afterEach(() => eventBridge.reset());
let dynamo: LocalDynamo;
let access: QuarantineAccess;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'ops-quarantine' });
  access = {
    documents: DynamoDBDocumentClient.from(dynamo.client),
    eventBridge: new EventBridgeClient({ region: 'us-east-1' }),
    busName: 'supplyline-test',
    tables: {
      webhookQuarantine: dynamo.tableNames.webhookQuarantine,
      syncLedger: dynamo.tableNames.syncLedger,
    },
  };
});
afterAll(async () => dynamo.stop());

/** Receives a signed planning delivery with the webhook's real ledger and quarantine. */
async function receive(body: string, deliveryId: string, publish: IntakePorts['publish']) {
  const now = new Date();
  const ports = tableIntakePorts({
    documents: access.documents,
    tables: access.tables,
    now: () => now,
    publish,
  });
  return receiveWebhook(planningWebhook, signedPlanningDelivery(body, deliveryId, now), ports).catch(
    (error: Error) => error,
  );
}

const busAccepts = () =>
  eventBridge
    .on(PutEventsCommand)
    .callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));

describe('ops quarantine', () => {
  it('lists and shows a refused delivery; its re-submit is refused again and it stays open with one more attempt', async () => {
    const body = JSON.stringify({ event_id: 'evt-ops-refused', notes: 'fix me' });
    await receive(body, 'ops-refused', async () => undefined);

    const open = await listQuarantine(access);
    expect(open.map((r) => r.quarantineId)).toContain('planning-ops-refused');
    expect(quarantineTable(open)).toMatch(
      /planning-ops-refused\s+planning\s+forecast\.exception\s+422\s+contract-violation/,
    );
    const record = await showQuarantined(access, 'planning-ops-refused');
    expect(quarantineDetail(record)).toContain(body);
    expect(Buffer.from(quarantineJson(record).bodyBase64 as string, 'base64').toString('utf8')).toBe(body);

    const result = await resubmitQuarantined(access, 'planning-ops-refused');
    expect(result).toMatchObject({ outcome: 'refused', status: 422, resolved: false });
    expect(await showQuarantined(access, 'planning-ops-refused')).toMatchObject({
      status: 'open',
      attempts: 2,
    });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('re-submits a delivery that failed while the bus was down: published once and resolved; again, a duplicate', async () => {
    const body = JSON.stringify(forecastExceptionDelivery({ exception: { exception_id: 'EXC-OPS-Q' } }));
    const failed = await receive(body, 'ops-failed', async () => {
      throw new Error('PutEvents: service unavailable');
    });
    expect(failed).toBeInstanceOf(Error);

    busAccepts();
    const result = await resubmitQuarantined(access, 'planning-ops-failed');
    expect(result).toEqual({
      quarantineId: 'planning-ops-failed',
      outcome: 'accepted',
      status: 202,
      resolved: true,
    });
    const entries = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries.map((entry) => [entry.DetailType, entry.EventBusName])).toEqual([
      ['forecast-exception.raised', 'supplyline-test'],
    ]);
    expect(JSON.parse(entries[0]!.Detail!).tenantId).toBe('acme');
    expect((await listQuarantine(access, 'resolved')).map((r) => r.quarantineId)).toContain(
      'planning-ops-failed',
    );

    const again = await resubmitQuarantined(access, 'planning-ops-failed');
    expect(again).toMatchObject({ outcome: 'duplicate', resolved: true });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('lists and shows a held delivery with its status; re-submitted it stays held until the webhooks are widened, then publishes once', async () => {
    const body = JSON.stringify(
      forecastExceptionDelivery({ exception: { exception_id: 'EXC-OPS-HELD', uom: 'EA', forecast_qty: -3 } }),
    );
    const response = await receive(body, 'ops-held', async () => undefined);
    expect(JSON.parse((response as { body: string }).body).status).toBe('held');

    const held = await listQuarantine(access, 'held');
    expect(held.map((r) => r.quarantineId)).toContain('planning-ops-held');
    expect(quarantineTable(held)).toMatch(
      /planning-ops-held\s+planning\s+forecast\.exception\s+202\s+canonical-limit:.*held/,
    );
    const record = await showQuarantined(access, 'planning-ops-held');
    expect(quarantineDetail(record)).toContain('/data/forecastQuantityEa = "-3"');
    expect(quarantineDetail(record)).toMatch(/expires:\s+never/);

    busAccepts();
    expect(await resubmitQuarantined(access, 'planning-ops-held')).toMatchObject({
      outcome: 'held',
      resolved: false,
    });
    expect(await showQuarantined(access, 'planning-ops-held')).toMatchObject({ status: 'held', attempts: 2 });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);

    const widened = {
      ...access,
      webhooks: {
        planning: widenedWebhook(planningWebhook, 'forecast.exception', { canonical: () => ({ ok: true }) }),
        procurement: procurementWebhook,
      },
    };
    expect(await resubmitQuarantined(widened, 'planning-ops-held')).toMatchObject({
      outcome: 'accepted',
      resolved: true,
    });
    expect(await resubmitQuarantined(widened, 'planning-ops-held')).toMatchObject({ outcome: 'duplicate' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('says so when the id is not in the quarantine', async () => {
    await expect(resubmitQuarantined(access, 'planning-nothing')).rejects.toThrow(
      "no quarantined delivery 'planning-nothing'",
    );
  });
});
