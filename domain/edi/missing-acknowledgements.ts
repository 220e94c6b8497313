/**
 * The guide expects a 997 for every 850 within 24 hours (shared/contracts/edi-x12.md, "997"): an
 * 850 still unanswered after that becomes an integration exception naming its file, for a person
 * to chase the partner. A 997 that rejects the 850 answers it too (inbound-interchange.ts raises
 * that rejection itself), so only silence is raised here. The exception's id comes from the file,
 * so the next run raises the same exception, which the recorder keeps once.
 */
import type { CanonicalEvent } from '../../canonical/envelope';
import type { EdiLedger, PurchaseOrderTransmission } from '../ports/edi-ledger';
import { ediException } from './exceptions';
import type { TradingPartner } from './partners';

/** The guide's limit for the 997 answering an 850. */
export const ACKNOWLEDGEMENT_DUE_HOURS = 24;

/** What the check needs. */
export interface MissingAcknowledgementPorts {
  readonly partners: readonly TradingPartner[];
  readonly ledger: Pick<EdiLedger, 'unacknowledgedSentBefore'>;
  publish(events: readonly CanonicalEvent[]): Promise<void>;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly tenantId: string;
}

/** Raises one exception per 850 sent more than the limit ago with no 997; returns those 850s. */
export async function raiseMissingAcknowledgements(
  ports: MissingAcknowledgementPorts,
): Promise<PurchaseOrderTransmission[]> {
  const dueBy = new Date(ports.now().getTime() - ACKNOWLEDGEMENT_DUE_HOURS * 3_600_000).toISOString();
  const overdue: PurchaseOrderTransmission[] = [];
  for (const partner of ports.partners)
    overdue.push(...(await ports.ledger.unacknowledgedSentBefore(partner.partnerId, dueBy)));
  const events = overdue.map((sent) =>
    ediException(
      'EDI_ACKNOWLEDGEMENT_MISSING',
      `${sent.partnerId} has not answered our 850 for ${sent.poNumber} revision ${sent.revision} (interchange ${sent.interchangeNumber}, ${sent.key}) with a 997 within ${ACKNOWLEDGEMENT_DUE_HOURS} hours: ask the partner whether they took the order.`,
      { key: sent.key, tenantId: ports.tenantId, now: ports.now, newId: ports.newId },
      { ...sent },
    ),
  );
  if (events.length > 0) await ports.publish(events);
  return overdue;
}
