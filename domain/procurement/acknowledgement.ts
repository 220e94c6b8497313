/**
 * A supplier's acknowledgement against the purchase order posted to the ERP: full, partial (less than
 * ordered) or late (after need-by). Partial and late lines become an ERP purchase order amendment.
 */
import { ContractViolation } from '../failures';
import { Decimal, type DecimalLike } from '../decimal';
import { assertIsoDate } from './dates';

/** A purchase order line as posted (quantities in eaches). */
export interface PostedPurchaseOrderLine {
  lineNo: number;
  quantityEa: DecimalLike;
  /** `YYYY-MM-DD`. */
  needBy: string;
}

/** One line of the supplier's confirmation. */
export interface ConfirmationLine {
  lineNo: number;
  confirmedQtyEa: DecimalLike;
  /** `YYYY-MM-DD`. */
  confirmedDate: string;
}

/** How one line was confirmed. */
export interface LineAcknowledgement {
  lineNo: number;
  orderedQtyEa: Decimal;
  confirmedQtyEa: Decimal;
  needBy: string;
  confirmedDate: string;
  /** `partial`: less than ordered; `over`: more than ordered (never raised automatically). */
  quantity: 'full' | 'partial' | 'over';
  /** The confirmed date is after need-by. */
  late: boolean;
}

/** The whole acknowledgement: `partial` and `late` as soon as one line is. */
export type AcknowledgementClassification = 'full' | 'partial' | 'late' | 'partial-late';

/** The new quantity and delivery date of one ERP purchase order line. */
export interface ErpLineAmendment {
  lineNo: number;
  quantityEa: Decimal;
  deliveryDate: string;
}

/** Something a person should look at; it does not block the amendment of the other lines. */
export interface AcknowledgementIssue {
  code: 'LINE_NOT_CONFIRMED' | 'UNKNOWN_LINE' | 'DUPLICATE_LINE' | 'OVER_CONFIRMED';
  lineNo: number;
  message: string;
}

/** The result of {@link evaluateAcknowledgement}. */
export interface AcknowledgementEvaluation {
  classification: AcknowledgementClassification;
  lines: readonly LineAcknowledgement[];
  /** Absolute values (replaying it is harmless); `null` when every confirmed line is full and on time. */
  amendment: { lines: readonly ErpLineAmendment[] } | null;
  issues: readonly AcknowledgementIssue[];
}

function quantityOf(value: DecimalLike, field: string): Decimal {
  const qty = Decimal.of(value);
  if (qty.isNegative()) {
    throw new ContractViolation(`${field} must not be negative, got ${qty.toString()}`, 'procurement', {
      field,
    });
  }
  return qty;
}

/**
 * Compares the supplier's confirmation with the posted lines. A line confirmed for less than ordered
 * is partial, one confirmed after its need-by is late; each such line is amended in the ERP to the
 * confirmed quantity and date. More than ordered is never posted (the commitment would grow past its
 * checks and approval): the line keeps its quantity and an OVER_CONFIRMED issue is raised. A posted
 * line missing from the confirmation is reported, not zeroed.
 */
export function evaluateAcknowledgement(
  postedLines: readonly PostedPurchaseOrderLine[],
  confirmationLines: readonly ConfirmationLine[],
): AcknowledgementEvaluation {
  const issues: AcknowledgementIssue[] = [];
  const confirmations = new Map<number, ConfirmationLine>();
  const posted = new Set(postedLines.map((l) => l.lineNo));
  for (const confirmation of confirmationLines) {
    if (!posted.has(confirmation.lineNo)) {
      issues.push({
        code: 'UNKNOWN_LINE',
        lineNo: confirmation.lineNo,
        message: `line ${confirmation.lineNo} is not on the purchase order`,
      });
    } else if (confirmations.has(confirmation.lineNo)) {
      issues.push({
        code: 'DUPLICATE_LINE',
        lineNo: confirmation.lineNo,
        message: `line ${confirmation.lineNo} is confirmed twice; the first confirmation is used`,
      });
    } else {
      confirmations.set(confirmation.lineNo, confirmation);
    }
  }

  const lines: LineAcknowledgement[] = [];
  const amendments: ErpLineAmendment[] = [];
  for (const line of postedLines) {
    const confirmation = confirmations.get(line.lineNo);
    if (confirmation === undefined) {
      issues.push({
        code: 'LINE_NOT_CONFIRMED',
        lineNo: line.lineNo,
        message: `line ${line.lineNo} is missing from the acknowledgement`,
      });
      continue;
    }
    assertIsoDate(line.needBy, 'need_by', 'procurement');
    assertIsoDate(confirmation.confirmedDate, 'confirmed_date', 'procurement');
    const orderedQtyEa = quantityOf(line.quantityEa, 'qty');
    const confirmedQtyEa = quantityOf(confirmation.confirmedQtyEa, 'confirmed_qty');
    const order = confirmedQtyEa.compare(orderedQtyEa);
    const quantity = order < 0 ? 'partial' : order > 0 ? 'over' : 'full';
    const late = confirmation.confirmedDate > line.needBy;
    lines.push({
      lineNo: line.lineNo,
      orderedQtyEa,
      confirmedQtyEa,
      needBy: line.needBy,
      confirmedDate: confirmation.confirmedDate,
      quantity,
      late,
    });
    if (quantity === 'over') {
      issues.push({
        code: 'OVER_CONFIRMED',
        lineNo: line.lineNo,
        message: `line ${line.lineNo} confirmed ${confirmedQtyEa.toString()} of ${orderedQtyEa.toString()} ordered`,
      });
    }
    if (quantity === 'partial' || late) {
      amendments.push({
        lineNo: line.lineNo,
        quantityEa: Decimal.min(confirmedQtyEa, orderedQtyEa),
        deliveryDate: confirmation.confirmedDate,
      });
    }
  }

  const partial = lines.some((l) => l.quantity === 'partial');
  const late = lines.some((l) => l.late);
  const classification: AcknowledgementClassification =
    partial && late ? 'partial-late' : partial ? 'partial' : late ? 'late' : 'full';
  return { classification, lines, amendment: amendments.length > 0 ? { lines: amendments } : null, issues };
}
