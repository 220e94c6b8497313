/**
 * The 997 the guide expects for every 850 within 24 hours: an 850 sent through the real send path
 * and answered (or not) through the real receiving path, then checked as the hourly run does.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../../canonical/envelope';
import type { IntegrationExceptionRaisedV1 } from '../../../canonical/generated/types';
import { validateIntegrationExceptionRaisedV1 } from '../../../canonical/generated/validators';
import { receiveInterchange } from '../../../domain/edi/inbound-interchange';
import { raiseMissingAcknowledgements } from '../../../domain/edi/missing-acknowledgements';
import { transmitPurchaseOrder } from '../../../domain/edi/purchase-order-transmission';
import { PARTNER, partnerInterchange, purchaseOrder } from '../../fixtures/edi';
import { memoryInboundPorts } from '../../support/edi-memory';

const SENT_AT = new Date('2026-11-27T08:00:00Z');
const hoursAfterSending = (hours: number) => new Date(SENT_AT.getTime() + hours * 3_600_000);
const exceptions = (events: readonly CanonicalEvent[]) =>
  events.filter((e): e is IntegrationExceptionRaisedV1 => e.eventType === 'integration-exception.raised');

/** One 850 sent at SENT_AT (interchange 1), and the ports to answer and check it. */
async function sentOrder() {
  const published: CanonicalEvent[] = [];
  let clock = SENT_AT;
  const ports = memoryInboundPorts(() => clock, published);
  const { mailbox } = ports;
  const sent = await transmitPurchaseOrder(purchaseOrder(), ports);
  const at = (hours: number) => (clock = hoursAfterSending(hours));
  const answer = async (ak5: 'A' | 'R') => {
    const key = `inbound/${PARTNER.partnerId}/997-${ak5}.x12`;
    const sets = ['ST*997*0001', 'AK1*PO*1', 'AK2*850*0001', ak5 === 'A' ? 'AK5*A' : 'AK5*R*5'];
    sets.push(`AK9*${ak5}*1*1*${ak5 === 'A' ? 1 : 0}`, 'SE*6*0001');
    mailbox.files.set(key, partnerInterchange([{ gs01: 'FA', gs06: '77', sets }]));
    await receiveInterchange(key, ports);
  };
  const check = async () => {
    published.length = 0;
    const overdue = await raiseMissingAcknowledgements(ports);
    return { overdue, raised: exceptions(published) };
  };
  return { sent, ports, at, answer, check, published };
}

describe('850s with no 997 within 24 hours', () => {
  it('raises one exception naming the 850 file when no 997 came within 24 hours', async () => {
    const { sent, at, check } = await sentOrder();
    expect(sent.outcome).toBe('sent');
    const key = sent.outcome === 'sent' ? sent.transmission.key : '';

    at(24.5);
    const { overdue, raised } = await check();

    expect(overdue.map((t) => t.key)).toEqual([key]);
    expect(raised).toHaveLength(1);
    expect(validateIntegrationExceptionRaisedV1(raised[0]).ok).toBe(true);
    expect(raised[0]!.data).toMatchObject({
      code: 'EDI_ACKNOWLEDGEMENT_MISSING',
      objectId: key,
      status: 'OPEN',
    });
    expect(JSON.parse(raised[0]!.data.details!)).toMatchObject({
      file: key,
      partnerId: PARTNER.partnerId,
      poNumber: purchaseOrder().poNumber,
      interchangeNumber: 1,
    });
  });

  it('raises the same exception on the next run, so re-runs do not duplicate it', async () => {
    const { at, check } = await sentOrder();
    at(25);
    const first = await check();
    at(26);
    const second = await check();
    expect(second.raised.map((e) => e.data.exceptionId)).toEqual(first.raised.map((e) => e.data.exceptionId));
    expect(second.raised.map((e) => e.idempotencyKey)).toEqual(first.raised.map((e) => e.idempotencyKey));
  });

  it('raises nothing while the 24 hours are not over', async () => {
    const { at, check } = await sentOrder();
    at(23.9);
    expect(await check()).toEqual({ overdue: [], raised: [] });
  });

  it('raises nothing for an 850 a 997 accepted, even when the 850 is sent again later', async () => {
    const { at, answer, check, ports } = await sentOrder();
    at(2);
    await answer('A');
    at(3);
    await transmitPurchaseOrder(purchaseOrder(), ports);
    at(30);
    expect(await check()).toEqual({ overdue: [], raised: [] });
  });

  it('raises no missing 997 for an 850 a 997 rejected: that rejection is already with a person', async () => {
    const { at, answer, check, published } = await sentOrder();
    at(2);
    await answer('R');
    expect(exceptions(published).map((e) => e.data.code)).toEqual(['EDI_PURCHASE_ORDER_REJECTED']);
    at(30);
    expect(await check()).toEqual({ overdue: [], raised: [] });
  });
});
