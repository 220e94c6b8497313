/** The 850 consumer: a posted order of an EDI supplier is sent and counted; other suppliers' orders are let go. */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { nodeX12Codec } from '../../../adapters/edi/x12-codec';
import { buildEvent } from '../../../canonical/envelope';
import type { PurchaseOrder, PurchaseOrderPostedV1 } from '../../../canonical/generated/types';
import { sendPurchaseOrder } from '../../../functions/consumers/edi-purchase-order-send';
import { PARTNER, purchaseOrder } from '../../fixtures/edi';
import { memoryLedger, memoryMailbox } from '../../support/edi-memory';

const posted = (order: PurchaseOrder): PurchaseOrderPostedV1 =>
  buildEvent(
    'purchase-order.posted',
    order,
    {
      sourceObjectId: order.poNumber,
      sourceVersion: order.revision,
      occurredAt: order.updatedAt,
      correlationId: 'c',
      idempotencyKey: `po-posted:${order.poNumber}:r${order.revision}`,
      tenantId: 'dev',
    },
    { now: () => new Date('2026-11-27T09:30:00Z'), newId: () => '00000000-0000-4000-8000-000000000001' },
  );

describe('EDI purchase order send consumer', () => {
  it('writes the 850 of an EDI supplier once per revision and counts sends and re-sends', async () => {
    const mailbox = memoryMailbox();
    const counted: string[] = [];
    const ports = {
      partners: [PARTNER],
      ledger: memoryLedger(),
      mailbox,
      codec: nodeX12Codec,
      now: () => new Date('2026-11-27T09:30:00Z'),
      metric: (name: string) => void counted.push(name),
    };
    const logger = new Logger({ logLevel: 'SILENT' });
    await sendPurchaseOrder(posted(purchaseOrder()), { logger }, ports);
    await sendPurchaseOrder(posted(purchaseOrder()), { logger }, ports);
    await sendPurchaseOrder(posted(purchaseOrder({ supplierNumber: 'S-2002' })), { logger }, ports);
    expect([...mailbox.files.keys()]).toEqual(['outbound/acme-beverages/000000001-850-PO-2026-004411.x12']);
    expect(counted).toEqual(['EdiPurchaseOrdersSent', 'EdiPurchaseOrdersSentAgain']);
  });
});
