/**
 * Semantic code tables: the canonical vocabulary and, for each system, an explicit mapping of its
 * own codes onto it. A code a table does not list is an error (`UnmappedCodeError`), never a silent
 * default: a new vendor status must be decided by a person, not guessed by the middleware.
 */

export type SystemName = 'planning' | 'procurement' | 'erp';

export const SUPPLIER_STATUSES = ['APPROVED', 'PENDING_APPROVAL', 'ON_HOLD', 'BLOCKED', 'INACTIVE'] as const;
export type SupplierStatus = (typeof SUPPLIER_STATUSES)[number];

export const ITEM_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const PURCHASE_ORDER_STATUSES = [
  'DRAFT',
  'QUOTED',
  'ISSUED',
  'ACKNOWLEDGED',
  'PARTIALLY_RECEIVED',
  'RECEIVED',
  'CLOSED',
  'CANCELLED',
] as const;
export type PurchaseOrderStatus = (typeof PURCHASE_ORDER_STATUSES)[number];

export const SOURCING_REQUEST_STATUSES = ['OPEN', 'AWARDED', 'CANCELLED'] as const;
export type SourcingRequestStatus = (typeof SOURCING_REQUEST_STATUSES)[number];

export const UNITS_OF_MEASURE = ['EA', 'CS', 'PAL'] as const;
export type UnitOfMeasure = (typeof UNITS_OF_MEASURE)[number];

export const EXCEPTION_KINDS = ['DEMAND_UPLIFT', 'DEMAND_DROP', 'INVENTORY_RISK'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const VELOCITY_CLASSES = ['A', 'B', 'C'] as const;
export type VelocityClass = (typeof VELOCITY_CLASSES)[number];

/** One table: the canonical codes and each system's codes mapped onto them. */
export interface CodeTable<C extends string> {
  readonly name: string;
  readonly canonical: readonly C[];
  readonly systems: Partial<Record<SystemName, Readonly<Record<string, C>>>>;
}

export class UnmappedCodeError extends Error {
  override readonly name = 'UnmappedCodeError';
  constructor(
    readonly table: string,
    readonly system: SystemName,
    readonly code: unknown,
  ) {
    super(`${system} ${table} code ${JSON.stringify(code)} has no canonical mapping`);
  }
}

/** Supplier status. The ERP knows only whether a supplier party is active. */
export const supplierStatus: CodeTable<SupplierStatus> = {
  name: 'supplier status',
  canonical: SUPPLIER_STATUSES,
  systems: {
    procurement: {
      approved: 'APPROVED',
      pending: 'PENDING_APPROVAL',
      on_hold: 'ON_HOLD',
      blocked: 'BLOCKED',
    },
    erp: { active: 'APPROVED', inactive: 'INACTIVE' },
  },
};

/** Item status. The ERP's item is active only when both its variant and its template are. */
export const itemStatus: CodeTable<ItemStatus> = {
  name: 'item status',
  canonical: ITEM_STATUSES,
  systems: {
    erp: { active: 'ACTIVE', inactive: 'INACTIVE' },
  },
};

/**
 * Purchase order status. Tryton's `confirmed` and `processing` are both a commitment sent to the
 * supplier (ISSUED); `done` means received and invoiced (CLOSED).
 */
export const purchaseOrderStatus: CodeTable<PurchaseOrderStatus> = {
  name: 'purchase order status',
  canonical: PURCHASE_ORDER_STATUSES,
  systems: {
    procurement: {
      draft: 'DRAFT',
      issued: 'ISSUED',
      acknowledged: 'ACKNOWLEDGED',
      partially_received: 'PARTIALLY_RECEIVED',
      received: 'RECEIVED',
      closed: 'CLOSED',
      cancelled: 'CANCELLED',
    },
    erp: {
      draft: 'DRAFT',
      quotation: 'QUOTED',
      confirmed: 'ISSUED',
      processing: 'ISSUED',
      done: 'CLOSED',
      cancelled: 'CANCELLED',
    },
  },
};

export const sourcingRequestStatus: CodeTable<SourcingRequestStatus> = {
  name: 'sourcing request status',
  canonical: SOURCING_REQUEST_STATUSES,
  systems: {
    procurement: { open: 'OPEN', awarded: 'AWARDED', cancelled: 'CANCELLED' },
  },
};

/** Units of measure. CS and PAL carry a pack size (eaches per unit); canonical quantities are eaches. */
export const unitOfMeasure: CodeTable<UnitOfMeasure> = {
  name: 'unit of measure',
  canonical: UNITS_OF_MEASURE,
  systems: {
    planning: { EA: 'EA', CS: 'CS', PAL: 'PAL' },
    procurement: { EA: 'EA' },
    // Tryton's default "Unit" UoM, by symbol.
    erp: { u: 'EA' },
  },
};

export const exceptionKind: CodeTable<ExceptionKind> = {
  name: 'forecast exception kind',
  canonical: EXCEPTION_KINDS,
  systems: {
    planning: {
      DEMAND_UPLIFT: 'DEMAND_UPLIFT',
      DEMAND_DROP: 'DEMAND_DROP',
      INVENTORY_RISK: 'INVENTORY_RISK',
    },
  },
};

export const severity: CodeTable<Severity> = {
  name: 'severity',
  canonical: SEVERITIES,
  systems: {
    planning: { low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' },
  },
};

export const velocityClass: CodeTable<VelocityClass> = {
  name: 'velocity class',
  canonical: VELOCITY_CLASSES,
  systems: {
    planning: { A: 'A', B: 'B', C: 'C' },
  },
};

/** Every table, for documentation and for the completeness tests. */
export const CODE_TABLES = [
  supplierStatus,
  itemStatus,
  purchaseOrderStatus,
  sourcingRequestStatus,
  unitOfMeasure,
  exceptionKind,
  severity,
  velocityClass,
] as const;

/** Maps a system's code to the canonical one, or throws `UnmappedCodeError`. */
export function toCanonical<C extends string>(table: CodeTable<C>, system: SystemName, code: unknown): C {
  const mapping = table.systems[system];
  if (mapping && typeof code === 'string' && Object.hasOwn(mapping, code)) return mapping[code] as C;
  throw new UnmappedCodeError(table.name, system, code);
}

/**
 * Maps a canonical code to the system's code. Several system codes may map onto one canonical code
 * (Tryton `confirmed` and `processing`): the first listed is the one we send.
 */
export function fromCanonical<C extends string>(table: CodeTable<C>, system: SystemName, code: C): string {
  const mapping = table.systems[system];
  if (mapping) {
    for (const [systemCode, canonicalCode] of Object.entries(mapping)) {
      if (canonicalCode === code) return systemCode;
    }
  }
  throw new UnmappedCodeError(table.name, system, code);
}
