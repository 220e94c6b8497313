/**
 * Malformed partner input, kept with its reason: each kind of refusal counts `EdiInboundRejected`
 * by its code (the dashboards' widget), and its exception reads back as the rejected file an
 * operator sees (partner or folder, code, reason, time, key); what was taken counts nothing.
 */
import { describe, expect, it } from 'vitest';
import type { IntegrationExceptionRaisedV1 } from '../../../canonical/generated/types';
import {
  REJECTED_INPUT_CODES,
  rejectedEdiFile,
  type RejectedInputCode,
} from '../../../domain/edi/exceptions';
import { receiveInterchange } from '../../../domain/edi/inbound-interchange';
import { GUIDE_855, partnerInterchange } from '../../fixtures/edi';
import { memoryInboundPorts } from '../../support/edi-memory';

const NOW = new Date('2026-11-28T09:20:00Z');
const KEY = 'inbound/acme-beverages/855-0001.x12';
const good = () => partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]);

async function receive(key: string, text: string) {
  const published: IntegrationExceptionRaisedV1[] = [];
  const counted: { name: string; dimensions: Record<string, string> }[] = [];
  const ports = memoryInboundPorts(
    () => NOW,
    published as never,
    (name, _value, dimensions) => void counted.push({ name, dimensions }),
  );
  ports.mailbox.files.set(key, text);
  await receiveInterchange(key, ports);
  const exceptions = published.filter((e) => e.eventType === 'integration-exception.raised');
  return { exceptions, counted, ports };
}

/** Code, key, the file's text, the partner (or folder) listed, whether the sender is a partner. */
type Case = readonly [RejectedInputCode, string, () => string, string, boolean];

describe('malformed partner input', () => {
  it.each<Case>([
    ['EDI_INTERCHANGE_UNREADABLE', KEY, () => 'GS*PR*garbage~', 'acme-beverages', false],
    [
      'EDI_UNKNOWN_SENDER',
      'inbound/stranger/1.x12',
      () => good().replaceAll('ACMEBEV        ', 'STRANGER       '),
      'stranger',
      false,
    ],
    [
      'EDI_INTERCHANGE_ENVELOPE',
      KEY,
      () => partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }], { iea: 'IEA*2*000000101' }),
      'acme-beverages',
      true,
    ],
    [
      'EDI_GROUP_REJECTED',
      KEY,
      () => partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855, ge: 'GE*1*56' }]),
      'acme-beverages',
      true,
    ],
    [
      'EDI_DOCUMENT_REJECTED',
      KEY,
      () =>
        partnerInterchange([
          { gs01: 'PR', gs06: '55', sets: GUIDE_855.map((l) => l.replace('SE*6', 'SE*9')) },
        ]),
      'acme-beverages',
      true,
    ],
  ])(
    '%s: counted by its code and listed with partner, reason, time and key',
    async (code, key, text, partner, known) => {
      const { exceptions, counted } = await receive(key, text());

      expect(counted.filter((m) => m.name === 'EdiInboundRejected')).toEqual([
        { name: 'EdiInboundRejected', dimensions: { Reason: code } },
      ]);
      const files = exceptions.map((e) => rejectedEdiFile(e.data)).filter((f) => f !== undefined);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatchObject({
        key,
        partner,
        knownSender: known,
        code,
        receivedAt: NOW.toISOString(),
        status: 'OPEN',
        exceptionId: exceptions[0]!.data.exceptionId,
      });
      // The reason without the key it starts with.
      expect(files[0]!.reason.length).toBeGreaterThan(10);
      expect(files[0]!.reason).not.toContain(key);
    },
  );

  it('counts nothing and lists nothing for a file taken whole, nor for a repeat of a rejected one', async () => {
    const taken = await receive(KEY, good());
    expect(taken.counted.map((m) => m.name)).not.toContain('EdiInboundRejected');

    const rejected = await receive(KEY, good().replace('SE*6', 'SE*9'));
    rejected.ports.mailbox.files.set(`${KEY}.again`, rejected.ports.mailbox.files.get(KEY)!);
    await receiveInterchange(`${KEY}.again`, rejected.ports);
    expect(rejected.counted.filter((m) => m.name === 'EdiInboundRejected')).toHaveLength(1);
  });

  it('lists only malformed input: an 855 rejecting lines or a missing 997 is not a rejected file', () => {
    const exception = {
      exceptionId: 'EXC-1',
      message: 'x',
      objectType: 'EdiInterchange',
      objectId: KEY,
      raisedAt: NOW.toISOString(),
      status: 'OPEN' as const,
    };
    expect(rejectedEdiFile({ ...exception, code: 'EDI_PURCHASE_ORDER_LINES_REJECTED' })).toBeUndefined();
    expect(rejectedEdiFile({ ...exception, code: 'EDI_ACKNOWLEDGEMENT_MISSING' })).toBeUndefined();
    expect(
      rejectedEdiFile({ ...exception, objectType: 'PurchaseOrder', code: REJECTED_INPUT_CODES[0] }),
    ).toBeUndefined();
  });
});
