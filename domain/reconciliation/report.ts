/**
 * A run's report as text: each difference as one CSV row (both sides' values, what was done) and
 * the whole run as JSON. The writer adapter streams the rows and adds the summary at the end.
 */
import type { ReconciliationSummary } from '../ports/reconciliation';
import type { Difference } from './types';

/** The CSV header, one column per field of a row. */
export const REPORT_CSV_HEADER =
  'class,external_ref,po_number,erp_number,line_no,field,owner,expected_system,expected_value,found_system,found_value,resolution,action_or_code,reason';

/** A field quoted as RFC 4180 wants it, when it needs to be. */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One difference as a CSV row (no line ending). */
export function reportCsvRow(difference: Difference): string {
  const { resolution } = difference;
  return [
    difference.class,
    difference.externalRef,
    difference.poNumber,
    difference.erpNumber,
    difference.lineNo,
    difference.field,
    difference.owner,
    difference.expected.system,
    difference.expected.value,
    difference.found.system,
    difference.found.value,
    resolution.kind,
    resolution.kind === 'repair' ? resolution.action : resolution.code,
    resolution.kind === 'repair' ? null : resolution.reason,
  ]
    .map(csvField)
    .join(',');
}

/** The JSON report: the summary, then every difference. */
export interface ReconciliationReport {
  summary: ReconciliationSummary;
  differences: Difference[];
}
