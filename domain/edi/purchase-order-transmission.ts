/**
 * Sending a purchase order to its EDI partner as an 850, once per revision:
 *
 * 1. The 850 already recorded for this revision and purpose is sent again as it was (same control
 *    numbers, same date, same file): a retry or a redelivery never takes new numbers.
 * 2. Otherwise a new interchange number is taken from the partner's atomic counter and the
 *    transmission recorded conditionally; when a concurrent sender recorded first, its numbers win
 *    (ours is a gap).
 * 3. The file is written to `outbound/<partner>/` write-once.
 *
 * An older revision than one already sent is stale and sends nothing.
 */
import type { PurchaseOrder } from '../../canonical/generated/types';
import type { EdiLedger, PurchaseOrderTransmission } from '../ports/edi-ledger';
import type { EdiMailbox } from '../ports/edi-mailbox';
import type { X12Codec } from '../ports/edi-x12';
import { outgoingInterchange } from './envelope';
import { controlNumber } from './interchange';
import { MAILBOX, partnerForSupplier, type TradingPartner } from './partners';
import { purchaseOrder850, transmissionPurpose, type TransmissionPurpose } from './purchase-order-850';

/** What sending needs. */
export interface TransmissionPorts {
  readonly partners: readonly TradingPartner[];
  readonly ledger: EdiLedger;
  readonly mailbox: EdiMailbox;
  readonly codec: X12Codec;
  readonly now: () => Date;
}

/** What became of one purchase order revision. */
export type TransmissionOutcome =
  | { readonly outcome: 'not-an-edi-supplier' }
  | { readonly outcome: 'stale'; readonly latestRevision: number }
  | {
      readonly outcome: 'sent' | 'sent-again';
      readonly transmission: PurchaseOrderTransmission;
    };

/** Sends `order` to its supplier's EDI partner, if it has one (see the file header). */
export async function transmitPurchaseOrder(
  order: PurchaseOrder,
  ports: TransmissionPorts,
): Promise<TransmissionOutcome> {
  const partner = partnerForSupplier(ports.partners, order.supplierNumber);
  if (!partner) return { outcome: 'not-an-edi-supplier' };
  const latest = await ports.ledger.latestTransmission(partner.partnerId, order.poNumber);
  if (latest && isStale(order, latest)) return { outcome: 'stale', latestRevision: latest.revision };
  const purpose = await purposeFor(order, latest, ports.ledger);
  let transmission = await ports.ledger.transmissionOf(
    partner.partnerId,
    order.poNumber,
    order.revision,
    purpose,
  );
  let outcome: 'sent' | 'sent-again' = 'sent-again';
  if (!transmission) {
    const fresh = await newTransmission(order, partner, purpose, ports);
    transmission = await ports.ledger.recordTransmission(fresh);
    if (transmission.interchangeNumber === fresh.interchangeNumber) outcome = 'sent';
  }
  const text = ports.codec.encode(
    outgoingInterchange(partner, '850', transmission.interchangeNumber, new Date(transmission.preparedAt), [
      purchaseOrder850(order, transmission.purpose),
    ]),
  );
  // Awaited before the file exists, so the partner's 997 cannot come first.
  await ports.ledger.awaitAcknowledgement(transmission);
  await ports.mailbox.write(transmission.key, text);
  return { outcome, transmission };
}

/** An older revision than the one sent, or the order again after its cancellation. */
function isStale(order: PurchaseOrder, latest: PurchaseOrderTransmission): boolean {
  if (latest.revision !== order.revision) return latest.revision > order.revision;
  return latest.purpose === '01' && order.status !== 'CANCELLED';
}

/** The purpose of this revision: the one it was first sent with, else as the partner's copy stands. */
async function purposeFor(
  order: PurchaseOrder,
  latest: PurchaseOrderTransmission | undefined,
  ledger: EdiLedger,
): Promise<TransmissionPurpose> {
  if (order.status === 'CANCELLED') return '01';
  if (latest?.revision === order.revision) {
    for (const purpose of ['00', '05'] as const)
      if (await ledger.transmissionOf(latest.partnerId, order.poNumber, order.revision, purpose))
        return purpose;
  }
  return transmissionPurpose(order.status, latest !== undefined);
}

async function newTransmission(
  order: PurchaseOrder,
  partner: TradingPartner,
  purpose: TransmissionPurpose,
  ports: TransmissionPorts,
): Promise<PurchaseOrderTransmission> {
  const interchangeNumber = await ports.ledger.nextInterchangeNumber(partner.partnerId);
  const number = controlNumber(interchangeNumber, 9);
  return {
    partnerId: partner.partnerId,
    poNumber: order.poNumber,
    revision: order.revision,
    purpose,
    interchangeNumber,
    preparedAt: ports.now().toISOString(),
    key: `${MAILBOX.outboundPrefix(partner.partnerId)}${number}-850-${fileSafe(order.poNumber)}.x12`,
  };
}

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}
