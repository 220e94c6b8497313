import { vi } from 'vitest';
import type { ReconciliationRepairer } from '../../../domain/ports/reconciliation';

/** A repairer whose repairs succeed and change nothing, each a spy (kept apart from fixtures.ts, which the bench imports). */
export function noOpRepairer(): ReconciliationRepairer {
  return {
    postMissingOrder: vi.fn(async () => undefined),
    amendErpOrder: vi.fn(async () => undefined),
    syncProcurementStatus: vi.fn(async () => undefined),
    recordErpNumber: vi.fn(async () => undefined),
  };
}
