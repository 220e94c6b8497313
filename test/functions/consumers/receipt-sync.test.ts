import type { Logger } from '@aws-lambda-powertools/logger';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildEvent } from '../../../canonical/envelope';
import type { ReceiptPostedV1 } from '../../../canonical/generated/types';
import { validateReceiptPostedV1 } from '../../../canonical/generated/validators';
import { ContractViolation } from '../../../domain/failures';
import { syncReceipt, type ReceiptSyncPorts } from '../../../functions/consumers/receipt-sync';

const logger = { info: () => undefined, warn: () => undefined } as unknown as Logger;

function receiptEvent(complete: boolean, receiptNumber = 'IS-1'): ReceiptPostedV1 {
  return buildEvent(
    'receipt.posted',
    {
      receiptNumber,
      externalRef: 'SL-PO-SR-000123',
      erpNumber: 'P0042',
      warehouseCode: 'WH-EAST',
      receivedAt: '2026-12-07T10:00:00.000Z',
      complete,
      lines: [{ itemCode: 'SKU-1', quantityEa: '480', lineNo: 1 }],
    },
    {
      sourceObjectId: receiptNumber,
      sourceVersion: Date.parse('2026-12-07T10:00:00.000Z'),
      occurredAt: '2026-12-07T10:00:00.000Z',
      correlationId: 'SL-PO-SR-000123',
      idempotencyKey: `receipt:${receiptNumber}`,
      tenantId: 'acme',
    },
    { now: () => new Date('2026-12-07T10:00:01Z'), newId: () => crypto.randomUUID() },
  ) as ReceiptPostedV1;
}

let calls: { op: string; args: unknown[] }[];
let procurementStatus: string;
let metrics: { name: string; value: number; dimensions?: Record<string, string> }[];
let ports: ReceiptSyncPorts;
beforeEach(() => {
  calls = [];
  metrics = [];
  procurementStatus = 'acknowledged';
  const record =
    (op: string) =>
    async (...args: unknown[]): Promise<void> => {
      calls.push({ op, args });
    };
  ports = {
    findPoNumber: async (ref) => (ref === 'SL-PO-SR-000123' ? 'PO-2026-004411' : undefined),
    procurement: {
      getPurchaseOrder: async () => ({ status: procurementStatus }) as never,
      updatePurchaseOrderStatus: async (...args) => {
        calls.push({ op: 'updatePurchaseOrderStatus', args });
        return { status: (args[1] as { status: string }).status, revision: 1 } as never;
      },
    },
    ledger: {
      recordEvent: record('recordEvent'),
      recordSourceChange: record('recordSourceChange'),
      recordConfirmation: async (...args) => {
        calls.push({ op: 'recordConfirmation', args });
        return 95.5;
      },
      recordState: record('recordState'),
    },
    metric: (name, value, _unit, dimensions) => void metrics.push({ name, value, dimensions }),
    now: () => new Date('2026-12-07T10:01:35.500Z'),
  };
});

describe('syncReceipt', () => {
  it('sets the procurement status with the ERP reference and records the erp -> procurement lag', async () => {
    const event = receiptEvent(true);
    expect(validateReceiptPostedV1(event)).toMatchObject({ ok: true });
    expect(await syncReceipt(event, { logger }, ports)).toBe('applied');
    const update = calls.find((call) => call.op === 'updatePurchaseOrderStatus')!;
    expect(update.args).toEqual([
      'PO-2026-004411',
      { status: 'received', erp_reference: 'P0042' },
      { idempotencyKey: 'po-status:PO-2026-004411:receipt:IS-1', lane: 'critical' },
    ]);
    const source = calls.find((call) => call.op === 'recordSourceChange')!;
    expect(source.args[1]).toMatchObject({
      from: 'erp',
      to: 'procurement',
      sourceEventAt: '2026-12-07T10:00:00.000Z',
    });
    expect(metrics).toEqual([
      {
        name: 'SyncLagSeconds',
        value: 95.5,
        dimensions: { ObjectType: 'receipt', SystemPair: 'erp-procurement' },
      },
    ]);
  });

  it('updates to partially_received for a partial receipt', async () => {
    await syncReceipt(receiptEvent(false), { logger }, ports);
    const update = calls.find((call) => call.op === 'updatePurchaseOrderStatus')!;
    expect(update.args[1]).toEqual({ status: 'partially_received', erp_reference: 'P0042' });
  });

  it('never moves a fully received order back to partially received', async () => {
    procurementStatus = 'received';
    expect(await syncReceipt(receiptEvent(false, 'IS-0'), { logger }, ports)).toBe('superseded');
    expect(calls.map((call) => call.op)).toEqual(['recordEvent']);
    expect(metrics.map((metric) => metric.name)).toEqual(['ReceiptsSuperseded']);
  });

  it('refuses a receipt of an order the middleware never posted', async () => {
    const event = receiptEvent(true);
    const unknown = { ...event, data: { ...event.data, externalRef: 'SL-PO-UNKNOWN' } };
    await expect(syncReceipt(unknown, { logger }, ports)).rejects.toBeInstanceOf(ContractViolation);
  });
});
