/**
 * The EDI mailbox on the local runtime (dev synth): a partner's interchange written under
 * `inbound/<partner>/` reaches the edi-inbound-interchange function the way it does in AWS (S3's
 * Object Created event on the default bus, the route's rule, its queue, the event source mapping),
 * which answers with a 997 under `outbound/<partner>/`.
 *
 * With the EDI partner simulator on the same bucket: a purchase order posted for S-1001 goes out
 * as an 850 (edi-purchase-order-send), the simulator answers with a 997, an 855 and an 856, the
 * 855 becomes `purchase-order.acknowledged` and the partner gets the product's 997s. With faults:
 * a miscounted 855 is answered with a rejecting 997 and kept with its reason; a duplicate is
 * applied once and counted. A partner cancelling its 856 sends both, taken as one shipment id.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, toPutEventsEntry } from '../../canonical/envelope';
import { EdiPartnerSimulator, s3PartnerMailbox } from '../../local/simulators/edi-partner';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime/runtime';
import { synthesizeDev } from '../../local/synth';
import { GUIDE_855, PARTNER, partnerInterchange, purchaseOrder } from '../fixtures/edi';

let runtime: LocalRuntime;
let s3: S3Client;
let partner: EdiPartnerSimulator;
beforeAll(async () => {
  runtime = await startLocalRuntime({
    cdkOut: await synthesizeDev(),
    visibilityTimeoutSeconds: 1,
    pollWaitSeconds: 1,
    log: () => undefined,
    functionLogs: 'silent',
  });
  s3 = new S3Client({
    region: runtime.model.region,
    endpoint: runtime.endpoints.sqs,
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const bucket = runtime.model.buckets.find((b) => b.constructId === 'EdiMailboxBucket')!.name;
  partner = EdiPartnerSimulator.start({
    partner: PARTNER,
    mailbox: s3PartnerMailbox(s3, bucket),
    pollIntervalMs: 200,
    random: () => 0,
  });
});
afterAll(async () => {
  await partner?.close();
  s3?.destroy();
  await runtime?.stop();
});

describe('EDI mailbox on the local runtime', () => {
  it('answers a partner 855 written to its inbound folder with a 997 in its outbound folder', async () => {
    const Bucket = runtime.model.buckets.find((b) => b.constructId === 'EdiMailboxBucket')!.name;
    const inbound = `inbound/${PARTNER.partnerId}/e2e-855.x12`;
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: inbound,
        Body: partnerInterchange([{ gs01: 'PR', gs06: '55', sets: GUIDE_855 }]),
      }),
    );
    const acknowledgements = async () =>
      (
        (await s3.send(new ListObjectsV2Command({ Bucket, Prefix: `outbound/${PARTNER.partnerId}/` })))
          .Contents ?? []
      )
        .map((o) => o.Key!)
        .filter((key) => key.endsWith('-997.x12'));
    await expect.poll(acknowledgements, { timeout: 60_000, interval: 500 }).toHaveLength(1);
    const [key] = await acknowledgements();
    const text = await (await s3.send(new GetObjectCommand({ Bucket, Key: key }))).Body!.transformToString();
    expect(text).toContain('AK1*PR*55~');
    expect(text).toContain('AK2*855*0101~\nAK5*A~');
  });
});

async function post(poNumber: string): Promise<void> {
  const order = purchaseOrder({ poNumber, externalRef: `SL-${poNumber}` });
  const event = buildEvent(
    'purchase-order.posted',
    order,
    {
      sourceObjectId: order.externalRef,
      sourceVersion: 1,
      occurredAt: new Date(order.updatedAt),
      correlationId: poNumber,
      causationId: poNumber,
      idempotencyKey: `purchase-order-posted:${poNumber}:r1`,
      tenantId: 'dev',
    },
    { now: () => new Date(), newId: () => crypto.randomUUID() },
  );
  const put = await runtime.clients.eventBridge.send(
    new PutEventsCommand({ Entries: [toPutEventsEntry(event, runtime.bus.name)] }),
  );
  expect(put.FailedEntryCount).toBe(0);
}

const accepted = (type: string, match: (detail: Record<string, unknown>) => boolean) =>
  runtime.busActivity.flatMap((activity) =>
    activity.type === 'accepted' &&
    activity.event['detail-type'] === type &&
    match(activity.event.detail as Record<string, unknown>)
      ? [activity.event.detail as { data: Record<string, unknown> }]
      : [],
  );
const answersTo = (poNumber: string) =>
  partner.acknowledgementsReceived.filter((a) =>
    partner.written.some(
      (f) => f.poNumber === poNumber && f.controlNumber.endsWith(a.groupControlNumber.padStart(9, '0')),
    ),
  );

describe('EDI partner simulator on the local runtime', () => {
  it(
    'answers an 850 for S-1001 with a 997, an 855 and an 856, which the product takes',
    { timeout: 120_000 },
    async () => {
      await post('PO-E2E-EDI-1');
      // One acknowledgement: a receipt retried under load may publish its events again, with the same
      // idempotency key (at least once: the consumers apply a key once), so keys are counted.
      await expect
        .poll(
          () =>
            new Set(
              accepted(
                'purchase-order.acknowledged',
                (d) => (d.data as { poNumber?: string }).poNumber === 'PO-E2E-EDI-1',
              ).map((event) => (event as { idempotencyKey?: string }).idempotencyKey),
            ).size,
          { timeout: 60_000, interval: 250 },
        )
        .toBe(1);
      const [ack] = accepted(
        'purchase-order.acknowledged',
        (d) => (d.data as { poNumber?: string }).poNumber === 'PO-E2E-EDI-1',
      );
      expect(ack!.data).toMatchObject({
        supplierNumber: 'S-1001',
        revision: 1,
        lines: [{ lineNo: 1, confirmedQuantityEa: '480', confirmedDate: '2026-12-07' }],
      });
      expect(partner.written.filter((f) => f.poNumber === 'PO-E2E-EDI-1').map((f) => f.setId)).toEqual([
        '997',
        '855',
        '856',
      ]);
      // The product's 997s answer the 855 and the 856, both accepted (the two files are received in
      // any order).
      await expect
        .poll(
          () =>
            answersTo('PO-E2E-EDI-1')
              .map((a) => [a.functionalId, a.status])
              .sort(),
          {
            timeout: 60_000,
            interval: 250,
          },
        )
        .toEqual([
          ['PR', 'A'],
          ['SH', 'A'],
        ]);
    },
  );

  it(
    'takes a partner 856 and its later cancellation as milestones of one shipment id, each answered with a 997',
    { timeout: 120_000 },
    async () => {
      partner.setBehaviour('cancel-shipment');
      try {
        await post('PO-E2E-EDI-3');
        const milestones = () =>
          accepted('shipment.milestone-reported', (d) =>
            JSON.stringify(d.data).includes('"poNumber":"PO-E2E-EDI-3"'),
          ).map((d) => d.data as { shipmentId: string; purpose?: string });
        await expect
          .poll(
            () =>
              milestones()
                .map((m) => m.purpose)
                .sort(),
            { timeout: 60_000, interval: 250 },
          )
          .toEqual(['cancellation', 'original']);
        expect(new Set(milestones().map((m) => m.shipmentId)).size).toBe(1);
        await expect
          .poll(
            () =>
              answersTo('PO-E2E-EDI-3')
                .filter((a) => a.functionalId === 'SH')
                .map((a) => a.status),
            { timeout: 60_000, interval: 250 },
          )
          .toEqual(['A', 'A']);
      } finally {
        partner.setBehaviour('accept-all');
      }
    },
  );

  it(
    'rejects a miscounted 855 with a 997 and keeps the reason; a duplicate interchange is applied once and counted',
    { timeout: 120_000 },
    async () => {
      partner.setFaults({ wrongCountRate: 1, duplicateInterchangeRate: 1 });
      await post('PO-E2E-EDI-2');
      const raised = () =>
        accepted('integration-exception.raised', (d) => JSON.stringify(d.data).includes('SE01'));
      await expect.poll(() => raised().length, { timeout: 60_000, interval: 250 }).toBe(1);
      expect(JSON.stringify(raised()[0]!.data)).toMatch(/SE01 \(7\) is not the 6 segments.*AK5 R 4/);
      await expect
        .poll(
          () =>
            answersTo('PO-E2E-EDI-2')
              .filter((a) => a.functionalId === 'PR')
              .flatMap((a) => a.sets),
          {
            timeout: 60_000,
            interval: 250,
          },
        )
        .toEqual([
          { setId: '855', controlNumber: '0001', status: 'R', code: '4' },
          { setId: '855', controlNumber: '0001', status: 'R', code: '4' },
        ]);
      await expect
        .poll(() => runtime.metrics.query({ name: 'EdiDuplicateInterchanges' }).length, {
          timeout: 60_000,
          interval: 250,
        })
        .toBe(1);
      // The duplicate changed nothing: one exception for the one file, and no acknowledgement.
      expect(raised()).toHaveLength(1);
      expect(
        accepted(
          'purchase-order.acknowledged',
          (d) => (d.data as { poNumber?: string }).poNumber === 'PO-E2E-EDI-2',
        ),
      ).toEqual([]);
    },
  );
});
