import { describe, expect, it } from 'vitest';
import {
  CODE_TABLES,
  fromCanonical,
  purchaseOrderStatus,
  supplierStatus,
  toCanonical,
  unitOfMeasure,
  UnmappedCodeError,
} from '../../canonical/codes/tables';

describe('code tables', () => {
  it('map every vocabulary the vendor contracts document', () => {
    // Procurement platform API v2.
    expect(
      ['approved', 'pending', 'on_hold', 'blocked'].map((c) => toCanonical(supplierStatus, 'procurement', c)),
    ).toEqual(['APPROVED', 'PENDING_APPROVAL', 'ON_HOLD', 'BLOCKED']);
    const procurementPoStatuses = [
      'draft',
      'issued',
      'acknowledged',
      'partially_received',
      'received',
      'closed',
      'cancelled',
    ];
    for (const code of procurementPoStatuses)
      expect(toCanonical(purchaseOrderStatus, 'procurement', code)).toBeTruthy();
    // Tryton purchase states.
    for (const code of ['draft', 'quotation', 'confirmed', 'processing', 'done', 'cancelled']) {
      expect(toCanonical(purchaseOrderStatus, 'erp', code)).toBeTruthy();
    }
    // Planning units.
    expect(['EA', 'CS', 'PAL'].map((c) => toCanonical(unitOfMeasure, 'planning', c))).toEqual([
      'EA',
      'CS',
      'PAL',
    ]);
  });

  it('raise UnmappedCodeError for an unknown code, a wrong-case code, a non-string or an inherited key', () => {
    for (const code of ['suspended', 'APPROVED', 42, null, '__proto__', 'toString', 'constructor']) {
      expect(() => toCanonical(supplierStatus, 'procurement', code)).toThrow(UnmappedCodeError);
    }
    expect(() => toCanonical(supplierStatus, 'planning', 'approved')).toThrow(
      /planning supplier status code "approved"/,
    );
  });

  it('only map onto canonical codes, and map canonical codes back to the code each system is sent', () => {
    for (const table of CODE_TABLES) {
      for (const mapping of Object.values(table.systems)) {
        for (const canonical of Object.values(mapping ?? {})) expect(table.canonical).toContain(canonical);
      }
    }
    expect(fromCanonical(purchaseOrderStatus, 'erp', 'ISSUED')).toBe('confirmed');
    expect(() => fromCanonical(purchaseOrderStatus, 'erp', 'ACKNOWLEDGED')).toThrow(UnmappedCodeError);
  });
});
