/**
 * The purchase orders whose reference has a prefix, purchased on given days, a page at a time in
 * reference order (an id-free cursor: the reference after which the next page starts), as
 * reconciliation lists the ERP's orders with the middleware's reference.
 */
import type { ErpOrderReference, ErpOrderReferenceQuery } from '../../../domain/ports/erp';
import { ALL, trytonDate, type TrytonRpc } from './jsonrpc';

/** Tryton `like` patterns treat `%` and `_` as wildcards: a prefix is matched as written. */
const literal = (text: string) => text.replace(/[%_\\]/g, '\\$&');

/** One page: orders in any state but cancelled; a draft has no number yet (''). */
export async function referencedPurchaseOrders(
  rpc: TrytonRpc,
  query: ErpOrderReferenceQuery,
): Promise<ErpOrderReference[]> {
  const rows = await rpc.searchRead<{ reference: string; number: string | null }>(
    'purchase.purchase',
    [
      ['reference', 'like', `${literal(query.referencePrefix)}%`],
      ['purchase_date', '>=', trytonDate(query.purchasedFrom)],
      ['purchase_date', '<', trytonDate(query.purchasedUntil)],
      ['state', '!=', 'cancelled'],
      ...(query.after === undefined ? [] : [['reference', '>', query.after] as const]),
    ],
    ['reference', 'number'],
    ALL,
    [['reference', 'ASC']],
    query.limit,
  );
  return rows.map((row) => ({ externalRef: row.reference, number: row.number ?? '' }));
}
