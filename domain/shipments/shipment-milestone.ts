/**
 * A supplier's shipment milestone (`shipment.milestone-reported`, from an 856) applied to the ERP:
 * per purchase order it covers, a receipt to expect (ErpPort.recordExpectedShipment) holding the
 * shipped quantities, referenced by the supplier's shipment id and planned for the estimated
 * delivery date.
 *
 * - Idempotent on the shipment id: an order that already expects it changes nothing and is
 *   counted (`ShipmentMilestonesAlreadyApplied`); a later ASN for the rest of a line adds a receipt.
 * - A line may ship what remains of it: the ERP line's quantity (the supplier's confirmed one once
 *   an 855 amended it, else the ordered one) less what earlier shipments of the order hold.
 * - A line that ships more than remains, is not on the order or ships another item is not applied:
 *   an integration exception with the shipment attached. The other lines of the ASN are applied
 *   (guide: "the rest of that ASN is"), so one bad line does not hold up goods that are on the way.
 * - An order Supplyline never posted, of another supplier, or that the ERP no longer takes
 *   shipments for: that order's lines are not applied, an exception says why.
 *
 * Cancellations and replacements (guide: BSN01 `01`, `05`; ADR 10 decision 9) name the orders of
 * the shipment id by their lines, as the original did:
 * - A cancellation withdraws the order's expected receipt: its quantities go back to what remains
 *   to ship. Goods already received against it are never touched: an exception for a person.
 * - A replacement gives the receipt the new lines, quantities and date; the over-shipment rule
 *   counts every other shipment, not the replaced one. The same content again changes nothing.
 *   It is the shipment's whole content: an order it no longer lists has its receipt withdrawn, as
 *   dropped: the id is not withdrawn, so a newer replacement may list that order again.
 * - Out of order: the ERP remembers a cancelled shipment id (ErpPort.withdrawExpectedShipment), so
 *   a cancellation before its original is kept and the late original or replacement is not applied
 *   (`withdrawn`, counted).
 * - Versions of a shipment id (its original and replacements) are ordered by their issue time
 *   (`reportedAt`, BSN03/BSN04), not by arrival (ShipmentVersions, ADR 10 decision 17): one older
 *   than the version taken already is stale (`superseded`, counted as
 *   `ShipmentMilestonesSuperseded`, no exception); a newer one is applied, after an older one being
 *   applied at that moment ends (the message waits, it is not failed). The version is taken before
 *   the ERP is written and stays taken if that write fails: a retry applies it again and an older
 *   one is stale meanwhile. The same issue time again is the repeat above. Cancellations are not
 *   versions: a withdrawn id is final.
 */
import type { CanonicalEvent } from '../../canonical/envelope';
import type { ShipmentMilestoneReportedV1 } from '../../canonical/generated/types';
import type { PostedPurchaseOrder } from '../commitment/types';
import { Decimal } from '../decimal';
import { ediException } from '../edi/exceptions';
import { BusinessRejection, TransientFailure } from '../failures';
import type { CommitmentRegistry } from '../ports/commitments';
import type { ErpInstances } from '../business-units';
import type { ErpPort } from '../ports/erp';
import type { BusinessMetric, EventPublisher } from '../ports/events';
import type { ShipmentVersions } from '../ports/shipment-versions';

/**
 * How long a version being applied holds the shipment id: Lambda's longest run, so a live apply
 * always holds it and only one that died is taken over.
 */
const SHIPMENT_APPLY_LEASE_SECONDS = 900;
/** The longest wait before a newer version looks again (applying an older one takes seconds). */
const RECHECK_SECONDS = 5;

/** What applying a milestone needs. */
export interface ShipmentMilestonePorts extends EventPublisher {
  /** The order's business unit's ERP receives the shipment (the warehouse it was posted for). */
  readonly erps: Pick<ErpInstances, 'forWarehouse' | 'all'>;
  readonly commitments: Pick<CommitmentRegistry, 'findByPoNumber'>;
  /** Which version of each shipment id the ERP was given. */
  readonly shipmentVersions: ShipmentVersions;
  readonly tenantId: string;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly metric?: BusinessMetric;
}

/** What became of the milestone for one purchase order. */
export interface ShipmentOutcome {
  /** The order's PO number; for an order a replacement no longer lists, its ERP reference. */
  readonly poNumber: string;
  readonly outcome: 'recorded' | 'already-recorded' | 'replaced' | 'withdrawn' | 'superseded' | 'not-applied';
  /** The ERP receipt expecting the goods, when there is one. */
  readonly receiptNumber?: string;
  /** Lines of the ASN not applied (each with an exception). */
  readonly linesNotApplied: readonly number[];
}

type Milestone = ShipmentMilestoneReportedV1['data'];
type ShipmentLine = Milestone['lines'][number];

/** Applies the milestone to every purchase order it covers (see the file header). */
export async function applyShipmentMilestone(
  event: ShipmentMilestoneReportedV1,
  ports: ShipmentMilestonePorts,
): Promise<ShipmentOutcome[]> {
  const milestone = event.data;
  const byOrder = new Map<string, ShipmentLine[]>();
  for (const line of milestone.lines)
    byOrder.set(line.poNumber, [...(byOrder.get(line.poNumber) ?? []), line]);
  if (milestone.purpose === 'cancellation') return applyVersion(event, byOrder, ports);

  const { supplierNumber, shipmentId, reportedAt } = milestone;
  const now = ports.now();
  const until = new Date(now.getTime() + SHIPMENT_APPLY_LEASE_SECONDS * 1000).toISOString();
  const claim = await ports.shipmentVersions.take(supplierNumber, shipmentId, reportedAt, until);
  if (claim.outcome === 'superseded') {
    return [...byOrder.keys()].map((poNumber) => {
      ports.metric?.('ShipmentMilestonesSuperseded', 1, 'Count', { Supplier: supplierNumber });
      return { poNumber, outcome: 'superseded', linesNotApplied: [] };
    });
  }
  if (claim.outcome === 'busy') {
    // Only waiting: the consumer defers the message without spending a delivery.
    const seconds = Math.ceil((Date.parse(claim.until) - now.getTime()) / 1000);
    throw new TransientFailure(
      `shipment ${shipmentId} of ${supplierNumber}: an older version is being applied`,
      'supplyline',
      Math.min(Math.max(seconds, 1), RECHECK_SECONDS),
    );
  }
  try {
    return await applyVersion(event, byOrder, ports);
  } finally {
    await ports.shipmentVersions.release(supplierNumber, shipmentId, reportedAt);
  }
}

/** Applies the milestone's content to each order it lists (and, replacing, to those it drops). */
async function applyVersion(
  event: ShipmentMilestoneReportedV1,
  byOrder: ReadonlyMap<string, ShipmentLine[]>,
  ports: ShipmentMilestonePorts,
): Promise<ShipmentOutcome[]> {
  const milestone = event.data;
  const exceptions: CanonicalEvent[] = [];
  const raise = (code: string, message: string, lines: readonly ShipmentLine[]) =>
    exceptions.push(
      ediException(
        code,
        `Shipment ${milestone.shipmentId} of ${milestone.supplierNumber}: ${message}`,
        {
          key: `shipment:${milestone.supplierNumber}:${milestone.shipmentId}`,
          tenantId: ports.tenantId,
          now: ports.now,
          newId: ports.newId,
        },
        { source: event.correlationId, linesNotApplied: lines, shipment: milestone },
        'BUSINESS',
      ),
    );
  const outcomes: ShipmentOutcome[] = [];
  const withdrewIn = new Set<ErpPort>();
  // The ERP references of the listed orders Supplyline posted: what a replacement keeps.
  const listed = new Set<string>();
  for (const [poNumber, lines] of byOrder) {
    const posted = await ports.commitments.findByPoNumber(poNumber);
    if (posted) listed.add(posted.externalRef);
    outcomes.push(await applyToOrder(poNumber, posted, lines, milestone, ports, raise, withdrewIn));
  }
  if (milestone.purpose === 'replacement')
    outcomes.push(...(await withdrawDropped(listed, milestone, ports, raise)));
  if (exceptions.length > 0) await ports.publish(exceptions);
  return outcomes;
}

async function applyToOrder(
  poNumber: string,
  posted: PostedPurchaseOrder | undefined,
  lines: readonly ShipmentLine[],
  milestone: Milestone,
  ports: ShipmentMilestonePorts,
  raise: (code: string, message: string, lines: readonly ShipmentLine[]) => void,
  withdrewIn: Set<ErpPort>,
): Promise<ShipmentOutcome> {
  const notApplied = (code: string, message: string): ShipmentOutcome => {
    raise(code, `${message}; nothing of it was applied`, lines);
    return { poNumber, outcome: 'not-applied', linesNotApplied: lines.map((l) => l.lineNo) };
  };
  if (!posted)
    return notApplied('SHIPMENT_PURCHASE_ORDER_UNKNOWN', `${poNumber} was not posted by Supplyline`);
  if (posted.supplierNumber !== milestone.supplierNumber)
    return notApplied('SHIPMENT_SUPPLIER_MISMATCH', `${poNumber} is an order of ${posted.supplierNumber}`);
  const erp = ports.erps.forWarehouse(posted.warehouseCode);
  const supplier = { Supplier: milestone.supplierNumber };
  const purpose = milestone.purpose ?? 'original';
  const refusedByErp = (error: unknown, fitting: readonly ShipmentLine[]): ShipmentOutcome => {
    // Another shipment of the same lines got there first, the order was closed meanwhile, or the
    // goods were received: nothing changed in the ERP.
    if (!(error instanceof BusinessRejection)) throw error;
    // A shipment id the supplier withdrew stays withdrawn: its late original or replacement is expected.
    if (error.code === 'SHIPMENT_WITHDRAWN') {
      ports.metric?.('ShipmentMilestonesAlreadyApplied', 1, 'Count', supplier);
      return { poNumber, outcome: 'withdrawn', linesNotApplied: [] };
    }
    raise(error.code, `the ERP refused the ${purpose} (${error.message})`, fitting);
    return { poNumber, outcome: 'not-applied', linesNotApplied: lines.map((l) => l.lineNo) };
  };

  if (purpose === 'cancellation') {
    try {
      const { withdrawn } = await erp.withdrawExpectedShipment(
        posted.externalRef,
        milestone.shipmentId,
        'cancelled',
      );
      // The ERP remembers a withdrawal per supplier: once this cancellation withdrew the id in an
      // ERP, its other orders there (none expecting it yet) were withdrawn by it too, not before.
      if (withdrawn) withdrewIn.add(erp);
      ports.metric?.(
        withdrewIn.has(erp) ? 'ShipmentMilestonesApplied' : 'ShipmentMilestonesAlreadyApplied',
        1,
        'Count',
        supplier,
      );
      return { poNumber, outcome: 'withdrawn', linesNotApplied: [] };
    } catch (error) {
      return refusedByErp(error, lines);
    }
  }

  const expected = await erp.listExpectedShipments(posted.externalRef);
  const known = expected.find((s) => s.shipmentId === milestone.shipmentId);
  if (known && (purpose === 'original' || sameContent(known, lines, milestone))) {
    ports.metric?.('ShipmentMilestonesAlreadyApplied', 1, 'Count', supplier);
    return { poNumber, outcome: 'already-recorded', receiptNumber: known.receiptNumber, linesNotApplied: [] };
  }
  const order = await erp.findPurchaseOrder(posted.externalRef);
  if (!order) return notApplied('SHIPMENT_PURCHASE_ORDER_UNKNOWN', `${poNumber} is not in the ERP`);

  // A replacement's own earlier quantities are what it replaces, not shipped elsewhere.
  const others = expected.filter((s) => s.shipmentId !== milestone.shipmentId);
  const fitting: ShipmentLine[] = [];
  const refused: number[] = [];
  for (const line of lines) {
    const ordered = order.lines.find((l) => l.lineNo === line.lineNo);
    const problem = !ordered
      ? { code: 'SHIPMENT_LINE_UNKNOWN', why: `${poNumber} has no line ${line.lineNo}` }
      : ordered.itemCode !== line.itemCode
        ? {
            code: 'SHIPMENT_ITEM_MISMATCH',
            why: `${poNumber} line ${line.lineNo} orders ${ordered.itemCode}, the ASN ships ${line.itemCode}`,
          }
        : overShipment(poNumber, line, Decimal.of(ordered.quantityEa), others);
    if (!problem) {
      fitting.push(line);
      continue;
    }
    raise(problem.code, `${problem.why}; that line was not applied`, [line]);
    refused.push(line.lineNo);
  }
  if (fitting.length === 0) return { poNumber, outcome: 'not-applied', linesNotApplied: refused };
  const request = {
    shipmentId: milestone.shipmentId,
    plannedDate: milestone.estimatedDeliveryDate,
    lines: fitting.map((l) => ({ lineNo: l.lineNo, quantityEa: l.shippedQuantityEa })),
  };
  try {
    const { shipment } =
      purpose === 'replacement'
        ? await erp.replaceExpectedShipment(posted.externalRef, request)
        : await erp.recordExpectedShipment(posted.externalRef, request);
    ports.metric?.('ShipmentMilestonesApplied', 1, 'Count', supplier);
    return {
      poNumber,
      outcome: purpose === 'replacement' && known ? 'replaced' : 'recorded',
      receiptNumber: shipment.receiptNumber,
      linesNotApplied: refused,
    };
  } catch (error) {
    return refusedByErp(error, fitting);
  }
}

/**
 * A replacement is the shipment's whole content: an order the ERP still expects the shipment for
 * but the replacement no longer lists has its receipt withdrawn as dropped (the id stays open for a
 * newer replacement listing it again). Done after the listed orders, so theirs are in place first.
 */
async function withdrawDropped(
  kept: ReadonlySet<string>,
  milestone: Milestone,
  ports: ShipmentMilestonePorts,
  raise: (code: string, message: string, lines: readonly ShipmentLine[]) => void,
): Promise<ShipmentOutcome[]> {
  const outcomes: ShipmentOutcome[] = [];
  for (const { erp } of ports.erps.all()) {
    const expecting = await erp.findOrdersExpectingShipment(milestone.supplierNumber, milestone.shipmentId);
    for (const externalRef of expecting.filter((ref) => !kept.has(ref))) {
      try {
        await erp.withdrawExpectedShipment(externalRef, milestone.shipmentId, 'dropped');
        ports.metric?.('ShipmentMilestonesApplied', 1, 'Count', { Supplier: milestone.supplierNumber });
        outcomes.push({ poNumber: externalRef, outcome: 'withdrawn', linesNotApplied: [] });
      } catch (error) {
        if (!(error instanceof BusinessRejection)) throw error;
        raise(
          error.code,
          `the replacement no longer lists ${externalRef}, but the ERP refused to withdraw it (${error.message})`,
          [],
        );
        outcomes.push({ poNumber: externalRef, outcome: 'not-applied', linesNotApplied: [] });
      }
    }
  }
  return outcomes;
}

/** Whether the ERP's receipt already holds what the replacement says (a re-sent replacement). */
function sameContent(
  known: Awaited<ReturnType<ErpPort['listExpectedShipments']>>[number],
  lines: readonly ShipmentLine[],
  milestone: Milestone,
): boolean {
  const quantity = (lineNo: number, of: readonly { lineNo: number; quantityEa: string }[]) =>
    of.filter((l) => l.lineNo === lineNo).reduce((sum, l) => sum.add(l.quantityEa), Decimal.ZERO);
  const replacing = lines.map((l) => ({ lineNo: l.lineNo, quantityEa: l.shippedQuantityEa }));
  const lineNos = new Set([...known.lines, ...replacing].map((l) => l.lineNo));
  return (
    known.plannedDate === milestone.estimatedDeliveryDate &&
    [...lineNos].every((n) => quantity(n, known.lines).eq(quantity(n, replacing)))
  );
}

/** The over-shipment of `line`, if it ships more than the ERP line has left once earlier shipments are counted. */
function overShipment(
  poNumber: string,
  line: ShipmentLine,
  lineQuantity: Decimal,
  expected: Awaited<ReturnType<ErpPort['listExpectedShipments']>>,
): { code: string; why: string } | undefined {
  const shipped = expected
    .flatMap((s) => s.lines)
    .filter((l) => l.lineNo === line.lineNo)
    .reduce((sum, l) => sum.add(l.quantityEa), Decimal.ZERO);
  const remaining = lineQuantity.sub(shipped);
  if (!Decimal.of(line.shippedQuantityEa).gt(remaining)) return undefined;
  return {
    code: 'SHIPMENT_EXCEEDS_REMAINING',
    why: `${poNumber} line ${line.lineNo} ships ${line.shippedQuantityEa} but ${remaining.toString()} remain (${lineQuantity.toString()} less ${shipped.toString()} shipped earlier)`,
  };
}
