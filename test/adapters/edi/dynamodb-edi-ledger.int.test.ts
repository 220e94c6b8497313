/**
 * The EDI ledger on the local DynamoDB (dynalite) under the real send path: control numbers never
 * repeat under concurrent sends, and a retry (or a concurrent duplicate) of one revision re-sends
 * the same numbers and the same file.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEdiLedger } from '../../../adapters/edi/dynamodb-edi-ledger';
import { nodeX12Codec } from '../../../adapters/edi/x12-codec';
import {
  transmitPurchaseOrder,
  type TransmissionPorts,
} from '../../../domain/edi/purchase-order-transmission';
import type { EdiMailbox } from '../../../domain/ports/edi-mailbox';
import { memoryMailbox } from '../../support/edi-memory';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';
import { PARTNER, purchaseOrder } from '../../fixtures/edi';

let dynamo: LocalDynamo;
let ledger: DynamoDbEdiLedger;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'edi-ledger' });
  ledger = new DynamoDbEdiLedger(DynamoDBDocumentClient.from(dynamo.client), dynamo.tableNames.ediLedger);
});
afterAll(async () => dynamo.stop());

const ports = (mailbox: EdiMailbox, partnerId: string): TransmissionPorts => ({
  partners: [{ ...PARTNER, partnerId }],
  ledger,
  mailbox,
  codec: nodeX12Codec,
  now: () => new Date('2026-11-27T09:30:00Z'),
});
const isa13 = (text: string) => text.slice(90, 99);

describe('EDI ledger on the local DynamoDB', () => {
  it('gives 40 concurrent sends of different orders 40 distinct interchange numbers', async () => {
    const mailbox = memoryMailbox();
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        transmitPurchaseOrder(purchaseOrder({ poNumber: `PO-C-${i}` }), ports(mailbox, 'concurrent')),
      ),
    );
    const numbers = outcomes.map((o) => (o.outcome === 'sent' ? o.transmission.interchangeNumber : -1));
    expect(new Set(numbers).size).toBe(40);
    expect(Math.min(...numbers)).toBe(1);
    expect(Math.max(...numbers)).toBe(40);
    expect(new Set([...mailbox.files.values()].map(isa13)).size).toBe(40);
  });

  it('sends one revision once: concurrent duplicates and a later retry re-send the same numbers and file', async () => {
    const mailbox = memoryMailbox();
    const order = purchaseOrder({ poNumber: 'PO-DUP' });
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () => transmitPurchaseOrder(order, ports(mailbox, 'duplicates'))),
    );
    const retry = await transmitPurchaseOrder(order, ports(mailbox, 'duplicates'));
    const sent = [...outcomes, retry].map((o) =>
      o.outcome === 'stale' || o.outcome === 'not-an-edi-supplier' ? undefined : o,
    );
    expect(new Set(sent.map((o) => o?.transmission.interchangeNumber)).size).toBe(1);
    expect(sent.filter((o) => o?.outcome === 'sent')).toHaveLength(1);
    expect(retry.outcome).toBe('sent-again');
    expect(mailbox.files.size).toBe(1);
  });

  it('replaces on amendment, cancels after, and ignores a revision older than the one sent', async () => {
    const mailbox = memoryMailbox();
    const send = (revision: number, status: 'ISSUED' | 'CANCELLED' = 'ISSUED') =>
      transmitPurchaseOrder(purchaseOrder({ poNumber: 'PO-LIFE', revision, status }), ports(mailbox, 'life'));
    const purposes = [];
    for (const outcome of [await send(1), await send(2), await send(3, 'CANCELLED')])
      purposes.push(outcome.outcome === 'sent' ? outcome.transmission.purpose : outcome.outcome);
    expect(purposes).toEqual(['00', '05', '01']);
    expect(await send(2)).toEqual({ outcome: 'stale', latestRevision: 3 });
    expect(await send(3)).toEqual({ outcome: 'stale', latestRevision: 3 });
    expect((await ledger.latestTransmission('life', 'PO-LIFE'))?.purpose).toBe('01');
    expect([...mailbox.files.values()].map((t) => /BEG\*(\d\d)/.exec(t)?.[1])).toEqual(['00', '05', '01']);
  });

  it('keeps the first answer to a received file and the first file of an interchange number', async () => {
    const first = {
      partnerId: 'received',
      key: 'inbound/received/a.x12',
      acknowledgementNumber: 5,
      preparedAt: 'T1',
    };
    expect(await ledger.recordReceivedFile(first)).toEqual(first);
    expect(await ledger.recordReceivedFile({ ...first, acknowledgementNumber: 6, preparedAt: 'T2' })).toEqual(
      first,
    );
    expect(await ledger.claimInterchange('received', '000000101', 'inbound/received/a.x12')).toBe(
      'inbound/received/a.x12',
    );
    expect(await ledger.claimInterchange('received', '000000101', 'inbound/received/b.x12')).toBe(
      'inbound/received/a.x12',
    );
  });

  it('lists the 850s awaiting a 997 sent before a time, and no longer once a 997 answered them or when re-sent after', async () => {
    const sent = (interchangeNumber: number, preparedAt: string) => ({
      partnerId: 'awaited',
      poNumber: `PO-A-${interchangeNumber}`,
      revision: 1,
      purpose: '00' as const,
      interchangeNumber,
      preparedAt,
      key: `outbound/awaited/${interchangeNumber}-850.x12`,
    });
    const early = sent(1, '2026-11-26T08:00:00.000Z');
    const answered = sent(2, '2026-11-26T09:00:00.000Z');
    const recent = sent(3, '2026-11-27T08:00:00.000Z');
    for (const t of [early, answered, recent]) await ledger.awaitAcknowledgement(t);
    await ledger.recordAcknowledgement('awaited', 2, '2026-11-26T10:00:00.000Z');
    // A late re-send of the answered 850, and a second notice of the first: neither changes what is awaited.
    await ledger.awaitAcknowledgement(answered);
    await ledger.awaitAcknowledgement({ ...early, preparedAt: '2026-11-27T12:00:00.000Z' });

    expect(await ledger.unacknowledgedSentBefore('awaited', '2026-11-27T07:00:00.000Z')).toEqual([early]);
    expect(await ledger.unacknowledgedSentBefore('awaited', '2026-11-27T08:00:00.000Z')).toEqual([
      early,
      recent,
    ]);
    expect(await ledger.unacknowledgedSentBefore('elsewhere', '2026-11-27T08:00:00.000Z')).toEqual([]);
  });
});
