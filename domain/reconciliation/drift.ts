/**
 * Drift: how far the three systems had drifted apart when a run compared them, as differences per
 * 100 orders compared. The metric and its alarm read it, and the dashboard charts it over runs.
 */
import type { ReconciliationSummary } from '../ports/reconciliation';

/** Differences found per 100 orders compared (an order may have several); 0 when none was compared. */
export function driftPercent(summary: Pick<ReconciliationSummary, 'orders' | 'differences'>): number {
  if (summary.orders === 0) return 0;
  const found = Object.values(summary.differences).reduce((total, count) => total + count, 0);
  return (100 * found) / summary.orders;
}
