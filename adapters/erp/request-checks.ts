import { ContractViolation } from '../../domain/failures';
import type { PostPurchaseOrderRequest, PurchaseOrderAmendment } from '../../domain/ports/erp';

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

/** A listing's page size: 1 to 500 (a larger page would outlast the call's deadline). */
export function assertListLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    fail('limit must be an integer from 1 to 500', { limit });
}
