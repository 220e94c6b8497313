/**
 * Supplier master changes in Tryton: the supplier is the party whose code is the procurement
 * supplier number; whether it may receive new orders is the party's `active` flag (what the policy
 * check and the posting read).
 */
import type { ErpSupplier, ErpSupplierChange } from '../../../domain/ports/erp';
import { supplierChangeValues } from '../request-checks';
import { ALL, type Row, type TrytonRpc } from './jsonrpc';

/** Applies `change` to the party `partyRow` finds (see ErpPort.applySupplierChange). */
export async function applySupplierChange(
  rpc: Pick<TrytonRpc, 'write'>,
  partyRow: () => Promise<Row | undefined>,
  supplierNumber: string,
  change: ErpSupplierChange,
): Promise<ErpSupplier | null> {
  const row = await partyRow();
  if (!row) return null;
  const current = { name: String(row.name), active: Boolean(row.active) };
  const values = supplierChangeValues(current, change);
  if (values) await rpc.write('party.party', [row.id], values, ALL);
  return { supplierNumber, ...current, ...values };
}
