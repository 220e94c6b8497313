/**
 * Financial reconciliation (business-rules.md): the value committed per warehouse and month
 * according to the ERP and according to the middleware's commitments. A difference is reported,
 * never repaired: an order a person entered in the ERP directly is a legitimate difference.
 */
import { Decimal } from '../decimal';
import { BusinessRejection } from '../failures';
import type { ReconciliationWindow } from '../ports/reconciliation';
import type { RecordedOrder } from './types';

/** One warehouse and month, as each side values it (money strings, USD). */
export interface CommittedValueComparison {
  warehouseCode: string;
  /** `YYYY-MM` (UTC), the month of the purchase date. */
  month: string;
  erp: string;
  supplyline: string;
  /** ERP minus Supplyline. */
  difference: string;
}

/** Supplyline's committed value per warehouse and month, added up order by order as the run streams. */
export class CommittedValueTally {
  private readonly totals = new Map<string, Decimal>();

  constructor(
    private readonly window: ReconciliationWindow,
    /** The totals a resumed run had added up so far (`sofar()`). */
    sofar: Readonly<Record<string, string>> = {},
  ) {
    for (const [key, total] of Object.entries(sofar)) this.totals.set(key, Decimal.of(total));
  }

  /** The totals so far per `warehouse|month`, exact, for a checkpoint. */
  sofar(): Record<string, string> {
    return Object.fromEntries([...this.totals].map(([key, total]) => [key, total.toString()]));
  }

  /**
   * Adds an order whose month lies wholly inside the window (the ERP sums whole months, so a month
   * the window cuts would differ by the orders before it). Its value is what the ERP order should
   * carry: the confirmed quantity where the supplier confirmed, else the awarded one, at the price.
   */
  add(order: RecordedOrder): void {
    const month = order.recordedAt.slice(0, 7);
    if (`${month}-01T00:00:00.000Z` < this.window.since) return;
    const confirmed = new Map(
      (order.confirmation?.lines ?? []).map((line) => [line.lineNo, line.confirmedQtyEa]),
    );
    const value = Decimal.sum(
      order.lines.map((line) =>
        Decimal.of(confirmed.get(line.lineNo) ?? line.quantityEa).mul(line.unitPrice),
      ),
    );
    const key = `${order.warehouseCode}|${month}`;
    this.totals.set(key, (this.totals.get(key) ?? Decimal.ZERO).add(value));
  }

  /**
   * Each warehouse and month Supplyline committed in, against the ERP's value; and each of
   * `warehouses` in every whole month of the window where only the ERP committed (an order a person
   * entered in the ERP directly), so a difference on the ERP's side alone is listed too.
   */
  async compare(
    erpValue: (warehouseCode: string, month: string) => Promise<string>,
    warehouses: readonly string[] = [],
  ): Promise<CommittedValueComparison[]> {
    const keys = new Map<string, { supplyline: Decimal; erpOnly: boolean }>();
    for (const [key, supplyline] of this.totals) keys.set(key, { supplyline, erpOnly: false });
    for (const warehouseCode of new Set(warehouses))
      for (const month of wholeMonths(this.window)) {
        const key = `${warehouseCode}|${month}`;
        if (!keys.has(key)) keys.set(key, { supplyline: Decimal.ZERO, erpOnly: true });
      }
    const comparisons: CommittedValueComparison[] = [];
    for (const [key, { supplyline, erpOnly }] of [...keys].sort(([a], [b]) => a.localeCompare(b))) {
      const [warehouseCode, month] = key.split('|') as [string, string];
      let value: string;
      try {
        value = await erpValue(warehouseCode, month);
      } catch (error) {
        // A mapped warehouse its ERP does not have committed nothing there; one Supplyline committed
        // in is a finding the run must not hide.
        if (erpOnly && error instanceof BusinessRejection && error.code === 'WAREHOUSE_UNKNOWN') continue;
        throw error;
      }
      const erp = Decimal.of(value);
      if (erpOnly && erp.isZero()) continue;
      comparisons.push({
        warehouseCode,
        month,
        erp: erp.toMoneyString('half-even'),
        supplyline: supplyline.toMoneyString('half-even'),
        difference: erp.sub(supplyline).toMoneyString('half-even'),
      });
    }
    return comparisons;
  }
}

/** The months (`YYYY-MM`, UTC) that begin inside the window: those the tally adds orders of. */
function wholeMonths(window: ReconciliationWindow): string[] {
  const months: string[] = [];
  const cursor = new Date(window.since);
  cursor.setUTCHours(0, 0, 0, 0);
  cursor.setUTCDate(1);
  if (cursor.toISOString() < window.since) cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  while (cursor.toISOString() < window.until) {
    months.push(cursor.toISOString().slice(0, 7));
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return months;
}
