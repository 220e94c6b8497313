import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrationExceptionStore } from '../../../adapters/aws/integration-exceptions';
import { SyncLedger } from '../../../adapters/aws/sync-ledger';
import type { IntegrationException, SyncStatus } from '../../../canonical/generated/types';
import { validateSyncStatus } from '../../../canonical/generated/validators';
import type { LocalDynamo } from '../../../local/dynamodb/tables';
import { apiEvent, expectJson, expectProblem, startApiEnvironment, type ApiHandler } from './support';

let dynamo: LocalDynamo;
let ledger: SyncLedger;
let exceptions: IntegrationExceptionStore;
let handler: ApiHandler;

beforeAll(async () => {
  dynamo = await startApiEnvironment('sync-status-api');
  const docs = DynamoDBDocumentClient.from(dynamo.client);
  ledger = new SyncLedger(docs, dynamo.tableNames.syncLedger);
  exceptions = new IntegrationExceptionStore(docs, dynamo.tableNames.integrationExceptions);
  ({ handler } = await import('../../../functions/api/purchase-order-sync-status'));
});
afterAll(async () => dynamo.stop());

function exception(overrides: Partial<IntegrationException>): IntegrationException {
  return {
    exceptionId: 'IX-1',
    category: 'BUSINESS',
    code: 'ACK_OVERDUE',
    message: 'The supplier has not acknowledged within 48 hours.',
    status: 'OPEN',
    objectType: 'PurchaseOrder',
    objectId: 'PO-1',
    system: 'procurement',
    raisedAt: '2026-11-27T11:00:00.000Z',
    ...overrides,
  };
}

const status = (poId: string) =>
  handler(apiEvent({ path: `/v1/purchase-orders/${poId}/sync`, pathParameters: { poId } }));

describe('GET /v1/purchase-orders/{poId}/sync', () => {
  it('200: the state in each system, the lags, the history and the open exceptions of the order', async () => {
    const ref = { objectType: 'PurchaseOrder', objectId: 'PO-1' };
    await ledger.recordState(ref, {
      system: 'procurement',
      reference: 'PO-1',
      state: 'ISSUED',
      version: 2,
      confirmedAt: '2026-11-27T10:00:00Z',
    });
    await ledger.recordSourceChange(ref, {
      from: 'procurement',
      to: 'erp',
      version: 2,
      sourceEventAt: '2026-11-27T10:00:00Z',
      correlationId: 'flow-1',
    });
    await ledger.recordConfirmation(ref, {
      from: 'procurement',
      to: 'erp',
      version: 2,
      confirmedAt: '2026-11-27T10:00:04Z',
    });
    await exceptions.record(exception({ exceptionId: 'IX-OPEN' }));
    await exceptions.record(exception({ exceptionId: 'IX-DONE' }));
    await exceptions.resolve('IX-DONE', { resolvedBy: 'ops.anna', reason: 'acknowledged by phone' });
    await exceptions.record(exception({ exceptionId: 'IX-OTHER', objectId: 'PO-2' }));

    const body = expectJson<SyncStatus>(await status('PO-1'), 200);
    expect(validateSyncStatus(body)).toMatchObject({ ok: true });
    expect(body).toMatchObject({
      objectType: 'PurchaseOrder',
      objectId: 'PO-1',
      systems: [{ system: 'procurement', state: 'ISSUED', version: 2 }],
      lags: [{ fromSystem: 'procurement', toSystem: 'erp', lagSeconds: 4 }],
    });
    expect(body.openExceptions.map((item) => item.exceptionId)).toEqual(['IX-OPEN']);
  });

  it('200 with no open exceptions for an order the ledger knows only by its history', async () => {
    await ledger.recordSourceChange(
      { objectType: 'PurchaseOrder', objectId: 'PO-3' },
      {
        from: 'procurement',
        to: 'erp',
        version: 1,
        sourceEventAt: '2026-11-27T09:00:00Z',
        correlationId: 'c',
      },
    );
    const body = expectJson<SyncStatus>(await status('PO-3'), 200);
    expect(validateSyncStatus(body)).toMatchObject({ ok: true });
    expect(body.openExceptions).toEqual([]);
    expect(body.lags[0]).toMatchObject({ confirmedAt: null, lagSeconds: null });
  });

  it('404 when no system has reported the order, even with an exception about it', async () => {
    await exceptions.record(exception({ exceptionId: 'IX-GHOST', objectId: 'PO-GHOST' }));
    expectProblem(await status('PO-GHOST'), 404, 'purchase-order-not-found');
  });

  it('400 when the path names no order', async () => {
    expectProblem(await handler(apiEvent({ path: '/v1/purchase-orders//sync' })), 400, 'missing-parameter');
  });
});
