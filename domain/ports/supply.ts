/** Supply the middleware committed: the purchase order lines it posted, open until received. */
import type { PurchaseOrderLineSnapshot } from '../procurement/types';

/** Supply the middleware has committed for an item at a site (open purchase order lines). */
export interface SupplyStore {
  /** The open lines of an item at a site. */
  openLines(itemCode: string, site: string): Promise<PurchaseOrderLineSnapshot[]>;
  /** Records new lines or new states of known lines. */
  recordLines(lines: readonly PurchaseOrderLineSnapshot[]): Promise<void>;
}
