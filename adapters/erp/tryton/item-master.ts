/**
 * Tryton's item master (product.product, its template and default unit) as the ERP port's items:
 * one item by code, and the listing in code order that the system APIs' bounded refresh reads.
 */
import { ContractViolation } from '../../../domain/failures';
import type { ErpItem } from '../../../domain/ports/erp';
import { assertListLimit } from '../request-checks';
import { ALL, ERP_SYSTEM, related, type Row, type TrytonRpc } from './jsonrpc';

/** What an item is read from. */
export const ITEM_FIELDS = ['code', 'name', 'active', 'template.active', 'purchasable', 'default_uom.symbol'];

/** The unit of a product row (`default_uom.symbol`): the middleware deals in eaches (`u`) only. */
const unitOf = (row: Row): unknown => related(row, 'default_uom', 'symbol');

/** A product row as an item; one kept in another unit than eaches is a contract violation. */
export function itemOf(row: Row): ErpItem {
  if (unitOf(row) !== 'u')
    throw new ContractViolation(
      `item ${String(row.code)} is kept in unit "${String(unitOf(row))}", not eaches`,
      ERP_SYSTEM,
    );
  return {
    itemCode: String(row.code),
    name: String(row.name),
    // Booleans come back as 1/0 on SQLite.
    active: Boolean(row.active) && Boolean(related(row, 'template', 'active')),
    purchasable: Boolean(row.purchasable),
    uom: 'EA',
  };
}

/** One page of products with a code, in code order, after `after`; those not in eaches left out. */
export async function listItems(rpc: TrytonRpc, page: { after?: string; limit: number }): Promise<ErpItem[]> {
  assertListLimit(page.limit);
  const rows = await rpc.searchRead<Row>(
    'product.product',
    [['code', '!=', null], ...(page.after === undefined ? [] : [['code', '>', page.after]])],
    ITEM_FIELDS,
    ALL,
    [['code', 'ASC']],
    page.limit,
  );
  return rows.filter((row) => unitOf(row) === 'u').map(itemOf);
}
