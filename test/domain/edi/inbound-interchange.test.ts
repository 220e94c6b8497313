/**
 * One file in a partner's inbound mailbox, end to end through the real codec: the 855 becomes the
 * same `purchase-order.acknowledged` the platform's webhook produces, every group gets its 997, a
 * repeated interchange changes nothing and is counted, and what cannot be taken is kept for a person.
 */
import { describe, expect, it } from 'vitest';
import { mapPurchaseOrderAcknowledged } from '../../../adapters/procurement/mapping';
import type { CanonicalEvent } from '../../../canonical/envelope';
import type { IntegrationExceptionRaisedV1 } from '../../../canonical/generated/types';
import {
  validateIntegrationExceptionRaisedV1,
  validatePurchaseOrderAcknowledgedV1,
} from '../../../canonical/generated/validators';
import { receiveInterchange } from '../../../domain/edi/inbound-interchange';
import { purchaseOrderAcknowledgedDelivery } from '../../fixtures/procurement';
import { GUIDE_855, partnerInterchange, purchaseOrder } from '../../fixtures/edi';
import { inboundWorld } from '../../support/edi-memory';

const NOW = new Date('2026-11-28T09:20:00Z');
const KEY = 'inbound/acme-beverages/855-0001.x12';

async function world(revisionSent: number | null = 2) {
  const { ports, published, metrics } = await inboundWorld(
    NOW,
    revisionSent === null ? null : purchaseOrder({ revision: revisionSent }),
  );
  const { mailbox, ledger } = ports;
  return { mailbox, ledger, published, metrics, ports };
}
const exceptions = (events: readonly CanonicalEvent[]) =>
  events.filter((e): e is IntegrationExceptionRaisedV1 => e.eventType === 'integration-exception.raised');
const file997 = (files: Map<string, string>) => [...files].filter(([key]) => key.endsWith('-997.x12'));
const lines997 = (text: string) => text.split('~\n').filter((line) => /^(AK|GS|ST)/.test(line));

describe('receiving a partner interchange', () => {
  it('maps the guide 855 to the acknowledgement event the webhook produces, for the revision sent, and answers AK5 A', async () => {
    const { mailbox, published, ports } = await world(2);
    mailbox.files.set(KEY, partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]));

    const outcome = await receiveInterchange(KEY, ports);

    expect(outcome).toMatchObject({ outcome: 'acknowledged', published: 1 });
    const [event] = published;
    expect(validatePurchaseOrderAcknowledgedV1(event).ok).toBe(true);
    const webhook = mapPurchaseOrderAcknowledged(
      purchaseOrderAcknowledgedDelivery({
        po_number: 'PO-2026-004411',
        revision: 2,
        supplier_number: 'S-1001',
        acknowledged_at: '2026-11-28T09:15:00.000Z',
        lines: [{ line_no: 1, confirmed_qty: 450, confirmed_date: '2026-12-09' }],
      }),
      { tenantId: 'dev', now: () => NOW, newId: () => 'x' },
    );
    expect(event).toMatchObject({
      eventType: webhook.eventType,
      sourceSystem: webhook.sourceSystem,
      idempotencyKey: webhook.idempotencyKey,
      data: webhook.data,
    });
    const [[, answer]] = file997(mailbox.files) as [[string, string]];
    expect(lines997(answer)).toEqual([
      'GS*FA*SUPPLYLINE*ACMEBEV*20261128*0920*2*X*004010',
      'ST*997*0001',
      'AK1*PR*55',
      'AK2*855*0101',
      'AK5*A',
      'AK9*A*1*1*1',
    ]);
  });

  it('reads the partner separators from its ISA', async () => {
    const { mailbox, published, ports } = await world();
    mailbox.files.set(
      KEY,
      partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }], {
        separators: { e: '|', c: '^', s: "'" },
      }),
    );
    expect(await receiveInterchange(KEY, ports)).toMatchObject({ outcome: 'acknowledged', published: 1 });
    expect(published[0]!.eventType).toBe('purchase-order.acknowledged');
  });

  it('acknowledges a repeated interchange (same sender and ISA13) again, applies nothing and counts it', async () => {
    const { mailbox, published, metrics, ports } = await world();
    const text = partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]);
    mailbox.files.set(KEY, text);
    mailbox.files.set(`${KEY}.again`, text);
    await receiveInterchange(KEY, ports);
    const again = await receiveInterchange(`${KEY}.again`, ports);
    expect(again).toMatchObject({ outcome: 'duplicate', published: 0 });
    expect(published).toHaveLength(1);
    expect(metrics).toContain('EdiDuplicateInterchanges');
    expect(file997(mailbox.files)).toHaveLength(2);
  });

  it('gives an 855 re-sent in another interchange the same event key, so the acknowledgement applies once', async () => {
    const { mailbox, published, ports } = await world();
    mailbox.files.set(KEY, partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]));
    mailbox.files.set(
      `${KEY}.resent`,
      partnerInterchange([{ gs01: 'PR', gs06: '91', sets: GUIDE_855 }], { isa13: '000000202' }),
    );
    await receiveInterchange(KEY, ports);
    expect(await receiveInterchange(`${KEY}.resent`, ports)).toMatchObject({ outcome: 'acknowledged' });
    expect(published.map((e) => e.eventType)).toEqual([
      'purchase-order.acknowledged',
      'purchase-order.acknowledged',
    ]);
    expect(published[1]!.idempotencyKey).toBe(published[0]!.idempotencyKey);
  });

  it('writes the same 997 and raises the same events when the same file is processed again (a retry)', async () => {
    const { mailbox, published, ports } = await world();
    mailbox.files.set(KEY, partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]));
    await receiveInterchange(KEY, ports);
    const retry = await receiveInterchange(KEY, ports);
    expect(retry).toMatchObject({ outcome: 'acknowledged', published: 1 });
    expect(file997(mailbox.files)).toHaveLength(1);
    expect(published[1]!.idempotencyKey).toBe(published[0]!.idempotencyKey);
  });

  it('rejects a set with wrong counts in the 997 (AK5 R 4) and keeps it for a person, applying nothing of it', async () => {
    const { mailbox, published, ports } = await world();
    const sets = GUIDE_855.map((line) => line.replace('SE*6', 'SE*9'));
    mailbox.files.set(KEY, partnerInterchange([{ gs01: 'PR', gs06: '55', sets }]));
    await receiveInterchange(KEY, ports);
    const [[, answer]] = file997(mailbox.files) as [[string, string]];
    expect(lines997(answer).slice(2)).toEqual(['AK1*PR*55', 'AK2*855*0101', 'AK5*R*4', 'AK9*R*1*1*0']);
    expect(published.map((e) => e.eventType)).toEqual(['integration-exception.raised']);
    expect(exceptions(published)[0]!.data).toMatchObject({ code: 'EDI_DOCUMENT_REJECTED', objectId: KEY });
  });

  it('rejects every group of an interchange whose IEA disagrees, and keeps it for a person', async () => {
    const { mailbox, published, ports } = await world();
    mailbox.files.set(
      KEY,
      partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }], { iea: 'IEA*2*000000101' }),
    );
    await receiveInterchange(KEY, ports);
    const [[, answer]] = file997(mailbox.files) as [[string, string]];
    expect(lines997(answer).slice(2)).toEqual(['AK1*PR*55', 'AK9*R*1*1*0']);
    expect(exceptions(published).map((e) => e.data.code)).toEqual(['EDI_INTERCHANGE_ENVELOPE']);
  });

  it.each([
    ['no readable ISA', KEY, 'GS*PR*garbage~', 'EDI_INTERCHANGE_UNREADABLE'],
    [
      'an unknown sender',
      KEY,
      (t: string) => t.replaceAll('ACMEBEV        ', 'STRANGER       '),
      'EDI_UNKNOWN_SENDER',
    ],
    [
      'a partner writing in another partner folder',
      'inbound/someone-else/1.x12',
      (t: string) => t,
      'EDI_UNKNOWN_SENDER',
    ],
  ] as const)('keeps %s for a person with no 997', async (_case, key, edit, code) => {
    const { mailbox, published, ports } = await world();
    const good = partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]);
    mailbox.files.set(key, typeof edit === 'string' ? edit : edit(good));
    expect(await receiveInterchange(key, ports)).toMatchObject({ outcome: 'kept-for-a-person' });
    expect(file997(mailbox.files)).toEqual([]);
    expect(exceptions(published).map((e) => e.data.code)).toEqual([code]);
    expect(validateIntegrationExceptionRaisedV1(published[0]).ok).toBe(true);
  });

  it('keeps an 855 for an order never sent to the partner for a person, still answering AK5 A', async () => {
    const { mailbox, published, ports } = await world(null);
    mailbox.files.set(KEY, partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]));
    await receiveInterchange(KEY, ports);
    expect(exceptions(published).map((e) => e.data.code)).toEqual(['EDI_ACKNOWLEDGEMENT_NOT_APPLIED']);
    expect(lines997(file997(mailbox.files)[0]![1])).toContain('AK5*A');
  });

  it('never answers a 997, and keeps a 997 rejecting our 850 for a person', async () => {
    const { mailbox, published, ports } = await world();
    const rejecting = ['ST*997*0001', 'AK1*PO*1', 'AK2*850*0001', 'AK5*R*5', 'AK9*R*1*1*0', 'SE*6*0001'];
    mailbox.files.set(KEY, partnerInterchange([{ gs01: 'FA', gs06: '77', sets: rejecting }]));
    const outcome = await receiveInterchange(KEY, ports);
    expect(outcome).toMatchObject({ outcome: 'acknowledged', groups: [] });
    expect(file997(mailbox.files)).toEqual([]);
    expect(exceptions(published).map((e) => e.data.code)).toEqual(['EDI_PURCHASE_ORDER_REJECTED']);
  });
});
