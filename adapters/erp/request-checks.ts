import { ContractViolation } from '../../domain/failures';
import {
  ERP_ORDER_PAGE_SIZE,
  type ErpSupplierChange,
  type PostPurchaseOrderRequest,
  type PurchaseOrderAmendment,
} from '../../domain/ports/erp';

// Request shape checks shared by every ErpPort implementation.

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const POSITIVE = /^(?!0+(\.0+)?$)\d+(\.\d+)?$/;

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new ContractViolation(message, 'erp', details);
}

/** Shape checks shared by every ErpPort: a malformed request is the caller's bug, never the ERP's "no". */
export function assertPostRequest(request: PostPurchaseOrderRequest): void {
  if (!request.externalRef?.trim()) fail('externalRef is required');
  if (!request.supplierNumber?.trim())
    fail('supplierNumber is required', { externalRef: request.externalRef });
  if (!request.warehouseCode?.trim()) fail('warehouseCode is required', { externalRef: request.externalRef });
  if (!DATE.test(request.purchaseDate ?? ''))
    fail('purchaseDate must be YYYY-MM-DD', { externalRef: request.externalRef });
  if (!Array.isArray(request.lines) || request.lines.length === 0) {
    fail('a purchase order needs at least one line', { externalRef: request.externalRef });
  }
  request.lines.forEach((line, index) => {
    const where = { externalRef: request.externalRef, line: index + 1 };
    if (!line.itemCode?.trim()) fail('itemCode is required', where);
    if (!POSITIVE.test(line.quantityEa ?? '')) fail('quantityEa must be a positive decimal string', where);
    if (!/^\d+(\.\d+)?$/.test(line.unitPrice ?? '')) fail('unitPrice must be a decimal string', where);
    if (!DATE.test(line.deliveryDate ?? '')) fail('deliveryDate must be YYYY-MM-DD', where);
  });
}

/** Shape checks of an amendment. */
export function assertAmendment(externalRef: string, amendment: PurchaseOrderAmendment): void {
  if (!Array.isArray(amendment.lines) || amendment.lines.length === 0) {
    fail('an amendment needs at least one line', { externalRef });
  }
  for (const line of amendment.lines) {
    const where = { externalRef, lineNo: line.lineNo };
    if (!Number.isInteger(line.lineNo) || line.lineNo < 1) fail('lineNo must be a positive integer', where);
    if (line.quantityEa !== undefined && !POSITIVE.test(line.quantityEa)) {
      fail('quantityEa must be a positive decimal string', where);
    }
    if (line.deliveryDate !== undefined && !DATE.test(line.deliveryDate))
      fail('deliveryDate must be YYYY-MM-DD', where);
  }
}

/** First day of `month` and of the month after, for a half-open date range. */
export function monthRange(month: string): { from: string; until: string } {
  if (!MONTH.test(month)) fail(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const next = mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, until: `${next}-01` };
}

/** A page of external references (findPurchaseOrders): at most ERP_ORDER_PAGE_SIZE, none blank. */
export function assertReferencePage(externalRefs: readonly string[]): void {
  if (!Array.isArray(externalRefs)) fail('externalRefs must be a list');
  if (externalRefs.length > ERP_ORDER_PAGE_SIZE)
    fail(`at most ${ERP_ORDER_PAGE_SIZE} references per page, got ${externalRefs.length}`);
  if (externalRefs.some((ref) => typeof ref !== 'string' || !ref.trim()))
    fail('every external reference must be a non-blank string');
}

/**
 * The fields of a supplier that `change` alters, or undefined when it already carries the change
 * (so a repeated change writes nothing). A change without a name keeps the ERP's name.
 */
export function supplierChangeValues(
  current: { name: string; active: boolean },
  change: ErpSupplierChange,
): { active?: boolean; name?: string } | undefined {
  if (typeof change?.active !== 'boolean') fail('a supplier change needs active true or false');
  const values: { active?: boolean; name?: string } = {};
  if (current.active !== change.active) values.active = change.active;
  if (change.name !== undefined && change.name.trim() !== '' && change.name !== current.name)
    values.name = change.name;
  return Object.keys(values).length > 0 ? values : undefined;
}

/** A listing's page size: 1 to 500 (a larger page would outlast the call's deadline). */
export function assertListLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    fail('limit must be an integer from 1 to 500', { limit });
}
