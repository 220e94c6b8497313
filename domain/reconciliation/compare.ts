/**
 * Compares one purchase order across the procurement platform, the ERP and Supplyline's record,
 * field by field against each field's owner (business-rules.md, "Reconciliation"), and decides for
 * every difference whether the middleware repairs it or a person must see it. Pure: no I/O.
 *
 * Owners: the platform owns the order's existence, supplier, price and (until the supplier confirms)
 * quantity and need-by date; the supplier's latest confirmation owns the confirmed quantity and date;
 * the ERP owns receipts, which the platform's status must reflect within the service level.
 */
import { Decimal } from '../decimal';
import type { ErpPurchaseOrderLine } from '../ports/erp';
import type { ProcurementPurchaseOrder } from '../ports/procurement';
import type {
  Difference,
  ErpLineRepair,
  ErpOrderView,
  OrderFindings,
  OrderViews,
  RepairAction,
  Resolution,
  ReconciliationSettings,
} from './types';

/** Receipt states that mean the goods are in (as domain/receipts.ts counts them). */
const POSTED_RECEIPT_STATES: ReadonlySet<string> = new Set(['received', 'done']);

/** Platform statuses of an order that was never awarded or no longer stands: nothing to compare. */
const NOT_AWARDED: ReadonlySet<string> = new Set(['draft', 'cancelled']);

/** ERP states in which an amendment can still change the order. */
const AMENDABLE: ReadonlySet<string> = new Set(['confirmed', 'processing']);

const repair = (action: RepairAction['kind']): Resolution => ({ kind: 'repair', action });
const exception = (code: string, reason: string): Resolution => ({ kind: 'exception', code, reason });

/** Every difference of one order, and the repairs they call for. */
export function compareOrder(views: OrderViews, settings: ReconciliationSettings, now: Date): OrderFindings {
  const findings = compareFields(views, settings, now);
  const { recorded, erp } = views;
  // Supplyline's own record behind the ERP's (a repost whose new number was not recorded): no
  // difference between the systems, but the receipt poller reads the number, so it is recorded.
  if (erp && erp.state !== 'cancelled' && erp.number !== recorded.erpNumber)
    findings.repairs.push({ kind: 'record-erp-number', erpNumber: erp.number });
  return findings;
}

function compareFields(views: OrderViews, settings: ReconciliationSettings, now: Date): OrderFindings {
  const { recorded, procurement, erp } = views;
  const base = {
    externalRef: recorded.externalRef,
    poNumber: recorded.poNumber,
    erpNumber: erp?.number ?? recorded.erpNumber,
  };
  if (!procurement) {
    return {
      differences: [
        {
          ...base,
          class: 'missing_in_procurement',
          lineNo: null,
          field: 'order',
          owner: 'procurement',
          expected: { system: 'procurement', value: null },
          found: erp
            ? { system: 'erp', value: erp.number }
            : { system: 'supplyline', value: recorded.poNumber },
          resolution: exception(
            'ORDER_MISSING_IN_PROCUREMENT',
            `Purchase order ${recorded.poNumber} no longer exists on the procurement platform, which owns whether an order exists: a person decides what becomes of ${erp ? `ERP order ${erp.number}` : 'the commitment'}.`,
          ),
        },
      ],
      repairs: [],
    };
  }
  if (NOT_AWARDED.has(procurement.status)) return { differences: [], repairs: [] };
  if (!erp || erp.state === 'cancelled') return missingInErp(views, procurement, erp, settings, base);

  const differences: Difference[] = [];
  const amendment: ErpLineRepair[] = [];
  const erpResolution = erpRepairability(views, erp);
  const erpLines = new Map(erp.lines.map((line) => [line.lineNo, line]));
  const confirmed = new Map((recorded.confirmation?.lines ?? []).map((line) => [line.lineNo, line]));
  // The ERP dates a line by its stock moves, a received one by the day the goods came in: once
  // received, the line's date is the receipt's (the ERP owns receipts), no longer a delivery promise.
  const receivedItems = new Set(
    postedReceipts(erp).flatMap((receipt) => receipt.lines.map((received) => received.itemCode)),
  );
  for (const line of procurement.lines) {
    const erpLine = erpLines.get(line.lineNo);
    erpLines.delete(line.lineNo);
    const confirmation = confirmed.get(line.lineNo);
    const at = { ...base, lineNo: line.lineNo };
    if (!erpLine) {
      differences.push({
        ...at,
        class: 'quantity_mismatch',
        field: 'quantity',
        owner: confirmation ? 'supplier' : 'procurement',
        expected: confirmation
          ? { system: 'supplier', value: confirmation.confirmedQtyEa }
          : { system: 'procurement', value: line.quantityEa },
        found: { system: 'erp', value: null },
        resolution: exception(
          'ERP_LINE_MISSING',
          `ERP order ${erp.number} has no line ${line.lineNo}; an amendment cannot add one, so a person adds it.`,
        ),
      });
      continue;
    }
    const sameDate = (date: string) => receivedItems.has(erpLine.itemCode) || erpLine.deliveryDate === date;
    if (confirmation) {
      const carries =
        sameQuantity(erpLine.quantityEa, confirmation.confirmedQtyEa) && sameDate(confirmation.confirmedDate);
      if (!carries) {
        differences.push({
          ...at,
          class: 'acknowledgement_not_applied',
          field: 'confirmation',
          owner: 'supplier',
          expected: {
            system: 'supplier',
            value: `${confirmation.confirmedQtyEa} EA on ${confirmation.confirmedDate}`,
          },
          found: { system: 'erp', value: `${erpLine.quantityEa} EA on ${erpLine.deliveryDate ?? 'no date'}` },
          resolution: erpResolution,
        });
        amendment.push({
          lineNo: line.lineNo,
          quantityEa: confirmation.confirmedQtyEa,
          deliveryDate: confirmation.confirmedDate,
        });
      }
    } else {
      // Before the supplier confirms, the awarded line owns quantity and date.
      const awarded = (
        name: 'quantity_mismatch' | 'date_mismatch',
        field: 'quantity' | 'deliveryDate',
        expected: string,
        found: string | null,
      ): Difference => ({
        ...at,
        class: name,
        field,
        owner: 'procurement',
        expected: { system: 'procurement', value: expected },
        found: { system: 'erp', value: found },
        resolution: erpResolution,
      });
      const repairLine: ErpLineRepair = { lineNo: line.lineNo };
      if (!sameQuantity(erpLine.quantityEa, line.quantityEa)) {
        differences.push(awarded('quantity_mismatch', 'quantity', line.quantityEa, erpLine.quantityEa));
        repairLine.quantityEa = line.quantityEa;
      }
      if (!sameDate(line.needBy)) {
        differences.push(awarded('date_mismatch', 'deliveryDate', line.needBy, erpLine.deliveryDate));
        repairLine.deliveryDate = line.needBy;
      }
      if (repairLine.quantityEa !== undefined || repairLine.deliveryDate !== undefined)
        amendment.push(repairLine);
    }
    if (!Decimal.of(erpLine.unitPrice).eq(line.unitPrice)) {
      differences.push({
        ...at,
        class: 'price_mismatch',
        field: 'unitPrice',
        owner: 'procurement',
        expected: { system: 'procurement', value: line.unitPrice },
        found: { system: 'erp', value: erpLine.unitPrice },
        // The ERP port amends quantities and dates only: no idempotent path changes a price.
        resolution: exception(
          'PRICE_MISMATCH',
          `Line ${line.lineNo} of ERP order ${erp.number} is priced ${erpLine.unitPrice}, the awarded price is ${line.unitPrice}: a person corrects the ERP order.`,
        ),
      });
    }
  }
  for (const extra of erpLines.values()) differences.push(unknownErpLine(base, erp, extra));

  const repairs: RepairAction[] = [];
  if (amendment.length > 0 && erpResolution.kind === 'repair') {
    repairs.push({ kind: 'amend-erp-order', lines: amendment });
  }
  const lag = statusLag(procurement, erp, settings, now);
  if (lag) {
    differences.push({
      ...base,
      class: 'status_lag',
      lineNo: null,
      field: 'status',
      owner: 'erp',
      expected: { system: 'erp', value: lag.status },
      found: { system: 'procurement', value: procurement.status },
      // Only the platform's status changes: no person's ERP change can be overwritten.
      resolution: repair('sync-procurement-status'),
    });
    repairs.push({ kind: 'sync-procurement-status', ...lag });
  }
  return { differences, repairs };
}

/** The awarded order has no live ERP order: post it when it needs no approval, else ask a person. */
function missingInErp(
  { recorded }: OrderViews,
  procurement: ProcurementPurchaseOrder,
  erp: ErpOrderView | null,
  settings: ReconciliationSettings,
  base: Pick<Difference, 'externalRef' | 'poNumber' | 'erpNumber'>,
): OrderFindings {
  const value = Decimal.sum(procurement.lines.map((line) => Decimal.of(line.quantityEa).mul(line.unitPrice)));
  const resolution = erp
    ? exception(
        'ERP_ORDER_CANCELLED',
        `ERP order ${erp.number} was cancelled in the ERP: a person's decision, which Supplyline never overwrites by posting again.`,
      )
    : value.gt(settings.approvalLimit)
      ? exception(
          'MISSING_ORDER_NEEDS_APPROVAL',
          `Purchase order ${recorded.poNumber} (${value.toMoneyString()} USD) has no ERP order; above ${settings.approvalLimit} it needs a person's approval before it is posted.`,
        )
      : repair('post-missing-order');
  return {
    differences: [
      {
        ...base,
        class: 'missing_in_erp',
        lineNo: null,
        field: 'order',
        owner: 'procurement',
        expected: { system: 'procurement', value: procurement.poNumber },
        found: { system: 'erp', value: erp ? `${erp.number} (cancelled)` : null },
        resolution,
      },
    ],
    repairs: resolution.kind === 'repair' ? [{ kind: 'post-missing-order' }] : [],
  };
}

/**
 * Whether the ERP order may be amended to its owner's values: only when the middleware made its
 * last change (its revision on record is the ERP's), and the order is still amendable.
 */
function erpRepairability(views: OrderViews, erp: ErpOrderView): Resolution {
  const written = views.recorded.erpRevisionWritten;
  if (written === null) {
    return exception(
      'ERP_LAST_CHANGE_UNKNOWN',
      `Supplyline has no record of its own last change to ERP order ${erp.number}, so it cannot tell a person's change from its own: a person decides.`,
    );
  }
  if (erp.revision > written) {
    return exception(
      'ERP_CHANGED_BY_PERSON',
      `ERP order ${erp.number} is at revision ${erp.revision}, Supplyline's last change made revision ${written}: someone changed it since, and Supplyline never overwrites a person's change.`,
    );
  }
  if (!AMENDABLE.has(erp.state)) {
    return exception(
      'ERP_ORDER_NOT_AMENDABLE',
      `ERP order ${erp.number} is ${erp.state}: it can no longer be amended, a person corrects it.`,
    );
  }
  return repair('amend-erp-order');
}

function unknownErpLine(
  base: Pick<Difference, 'externalRef' | 'poNumber' | 'erpNumber'>,
  erp: ErpOrderView,
  line: ErpPurchaseOrderLine,
): Difference {
  return {
    ...base,
    class: 'quantity_mismatch',
    lineNo: line.lineNo,
    field: 'quantity',
    owner: 'procurement',
    expected: { system: 'procurement', value: null },
    found: { system: 'erp', value: line.quantityEa },
    resolution: exception(
      'ERP_LINE_UNKNOWN',
      `ERP order ${erp.number} has a line ${line.lineNo} the procurement order does not: a person removes or explains it.`,
    ),
  };
}

/**
 * The status the platform should show for the ERP's receipts, when it has not shown it for longer
 * than the service level. The ERP dates a receipt without a time, so the service level counts from
 * the end of that day: a lag is never reported early, and one found late is found by the next run.
 */
function statusLag(
  procurement: ProcurementPurchaseOrder,
  erp: ErpOrderView,
  settings: ReconciliationSettings,
  now: Date,
): { status: 'partially_received' | 'received'; receiptNumber: string } | undefined {
  const posted = postedReceipts(erp);
  const latest = posted.at(-1);
  if (!latest) return undefined;
  const received = new Map<string, Decimal>();
  for (const receipt of posted)
    for (const line of receipt.lines)
      received.set(line.itemCode, (received.get(line.itemCode) ?? Decimal.ZERO).add(line.quantityEa));
  const ordered = new Map<string, Decimal>();
  for (const line of erp.lines)
    ordered.set(line.itemCode, (ordered.get(line.itemCode) ?? Decimal.ZERO).add(line.quantityEa));
  const complete = [...ordered].every(([item, quantity]) =>
    (received.get(item) ?? Decimal.ZERO).gte(quantity),
  );
  const status = complete ? 'received' : 'partially_received';
  const shown =
    procurement.status === 'closed' ||
    procurement.status === 'received' ||
    (procurement.status === 'partially_received' && !complete);
  if (shown) return undefined;
  const postedBy = latest.receivedAt
    ? Date.parse(`${latest.receivedAt.slice(0, 10)}T00:00:00Z`) + 86_400_000
    : 0;
  if (now.getTime() - postedBy <= settings.receiptStatusServiceLevelSeconds * 1000) return undefined;
  return { status, receiptNumber: latest.receiptNumber };
}

/** The receipts whose goods are in. */
function postedReceipts(erp: ErpOrderView): ErpOrderView['receipts'] {
  return erp.receipts.filter((receipt) => POSTED_RECEIPT_STATES.has(receipt.state));
}

function sameQuantity(a: string, b: string): boolean {
  return Decimal.of(a).eq(b);
}
