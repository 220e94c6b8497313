import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotentPublisher } from '../../../adapters/aws/idempotent-publisher';
import { SyncLedger } from '../../../adapters/aws/sync-ledger';
import { mapForecastException } from '../../../adapters/planning/mapping';
import type { CanonicalEvent } from '../../../canonical/envelope';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';
import { forecastExceptionDelivery } from '../../fixtures/planning';

let dynamo: LocalDynamo;
let docs: DynamoDBDocumentClient;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  docs = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(async () => dynamo.stop());

let ids = 0;
const context = {
  tenantId: 'acme',
  now: () => new Date('2026-11-27T08:00:00Z'),
  newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
};

describe('idempotent publishing on the local DynamoDB (Powertools idempotency)', () => {
  it('publishes a business change once however often it is delivered, keyed on the business key', async () => {
    const published: CanonicalEvent[] = [];
    const duplicates: string[] = [];
    const publishOnce = idempotentPublisher(async (event) => void published.push(event), {
      client: dynamo.client,
      tableName: dynamo.tableNames.idempotency,
      onDuplicate: (event) => duplicates.push(event.idempotencyKey),
    });
    const results = [];
    for (let delivery = 0; delivery < 5; delivery++) {
      // Each delivery is a new event id (new emission) for the same plan version.
      results.push(
        await publishOnce(
          mapForecastException(forecastExceptionDelivery({ event_id: `fe_${delivery}` }), context),
        ),
      );
    }
    expect(published).toHaveLength(1);
    expect(results.map((result) => result.duplicate)).toEqual([false, true, true, true, true]);
    expect(new Set(results.map((result) => result.eventId))).toEqual(new Set([published[0]!.eventId]));
    expect(duplicates).toHaveLength(4);

    await publishOnce(mapForecastException(forecastExceptionDelivery({ plan: { version: 8 } }), context));
    expect(published.map((event) => event.sourceVersion)).toEqual([7, 8]);
  });

  it('does not remember a publication that failed, so the redelivery publishes', async () => {
    let fail = true;
    const published: string[] = [];
    const publishOnce = idempotentPublisher(
      async (event) => {
        if (fail) throw new Error('bus unavailable');
        published.push(event.eventId);
      },
      { client: dynamo.client, tableName: dynamo.tableNames.idempotency },
    );
    const event = mapForecastException(
      forecastExceptionDelivery({ exception: { exception_id: 'EXC-FAIL' } }),
      context,
    );
    await expect(publishOnce(event)).rejects.toThrow('bus unavailable');
    fail = false;
    expect((await publishOnce(event)).duplicate).toBe(false);
    expect(published).toEqual([event.eventId]);
  });
});

describe('sync-lag ledger on the local DynamoDB', () => {
  it('records the lag from the source event to the target confirmation per system pair', async () => {
    const ledger = new SyncLedger(docs, dynamo.tableNames.syncLedger);
    const ref = { objectType: 'PurchaseOrder', objectId: 'sl-CONSENSUS-EXC-1-v7' };
    await ledger.recordSourceChange(ref, {
      from: 'planning',
      to: 'erp',
      version: 7,
      sourceEventAt: '2026-11-27T07:15:03.120Z',
      correlationId: 'fe_1',
    });
    const lag = await ledger.recordConfirmation(ref, {
      from: 'planning',
      to: 'erp',
      version: 7,
      confirmedAt: '2026-11-27T07:16:05.620Z',
    });
    expect(lag).toBe(62.5);
    await ledger.recordState(ref, {
      system: 'erp',
      reference: 'P0001',
      state: 'processing',
      version: 1,
      confirmedAt: '2026-11-27T07:16:05.620Z',
    });
    const status = await ledger.status(ref);
    expect(status.lags).toEqual([
      {
        fromSystem: 'planning',
        toSystem: 'erp',
        sourceEventAt: '2026-11-27T07:15:03.120Z',
        confirmedAt: '2026-11-27T07:16:05.620Z',
        lagSeconds: 62.5,
        outOfOrder: 'no',
      },
    ]);
    expect(status.systems).toEqual([
      {
        system: 'erp',
        reference: 'P0001',
        state: 'processing',
        version: 1,
        confirmedAt: '2026-11-27T07:16:05.620Z',
      },
    ]);
  });

  it("keeps each ERP instance's lag apart, and reports it as the ERP's in the status", async () => {
    const ledger = new SyncLedger(docs, dynamo.tableNames.syncLedger);
    const ref = { objectType: 'PurchaseOrder', objectId: 'sl-WEST-ACK-1' };
    const change = { from: 'procurement', version: 2, correlationId: 'ack_1' } as const;
    await ledger.recordSourceChange(ref, {
      ...change,
      to: 'erp:west',
      sourceEventAt: '2026-11-27T07:00:00Z',
    });
    await ledger.recordSourceChange(ref, { ...change, to: 'erp', sourceEventAt: '2026-11-27T07:00:10Z' });
    // Confirming west's change closes west's lag only: the primary's is another pair.
    const lag = await ledger.recordConfirmation(ref, {
      from: 'procurement',
      to: 'erp:west',
      version: 2,
      confirmedAt: '2026-11-27T07:00:30Z',
    });
    expect(lag).toBe(30);
    const status = await ledger.status(ref);
    expect(status.lags.map((l) => [l.fromSystem, l.toSystem, l.lagSeconds]).sort()).toEqual([
      ['procurement', 'erp', null],
      ['procurement', 'erp', 30],
    ]);
  });

  it('returns no lag for a confirmation whose source change was never recorded', async () => {
    const ledger = new SyncLedger(docs, dynamo.tableNames.syncLedger);
    expect(
      await ledger.recordConfirmation(
        { objectType: 'PurchaseOrder', objectId: 'unknown' },
        {
          from: 'planning',
          to: 'erp',
          version: 1,
          confirmedAt: '2026-11-27T07:16:05Z',
        },
      ),
    ).toBeUndefined();
  });
});
