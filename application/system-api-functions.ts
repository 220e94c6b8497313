/**
 * The system APIs' functions (issue #17, ADR 12), part of the function catalog
 * (application/functions.ts): three readers answering from the read store and filling a miss under
 * its lease (get, query, update), and the consumer that marks views changed by events. Their ERP
 * reads take the shared ERP budget's bulk lane and go through the breaker (the circuit-breaker
 * table's get, update, delete: BREAKER_STATE), whose incident is announced on the bus. Type-only
 * imports: functions.ts imports this module.
 */
import type { FunctionDefinition, FunctionGrants } from './functions';

const READER_GRANTS = {
  bus: true,
  tables: { systemReadStore: ['get', 'query', 'update'], circuitBreaker: ['get', 'update', 'delete'] },
} as const satisfies FunctionGrants;

/** The system APIs' catalog entries. */
export const SYSTEM_API_FUNCTIONS: readonly FunctionDefinition[] = [
  {
    key: 'item-read',
    description:
      'Answers items, locations and inventory balances (by id and listed) from the system APIs’ read store',
    entry: 'functions/api/item-read.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    // The business rules: a location's sites are the environment's site cross-references.
    grants: { ...READER_GRANTS, connectors: ['erp'], businessRules: true },
  },
  {
    key: 'supplier-read',
    description: 'Answers suppliers over procurement and the ERP with their eligibility, from the read store',
    entry: 'functions/api/supplier-read.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    grants: { ...READER_GRANTS, connectors: ['procurement', 'erp'] },
  },
  {
    key: 'purchase-order-read',
    description:
      'Answers purchase orders across procurement, the ERP and the sync ledger, from the read store',
    entry: 'functions/api/purchase-order-read.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    grants: {
      ...READER_GRANTS,
      connectors: ['procurement', 'erp'],
      tables: { ...READER_GRANTS.tables, syncLedger: ['query'] },
    },
  },
  {
    key: 'read-store-invalidation',
    description: 'Marks the system APIs’ views that canonical events changed, so the next read refills them',
    entry: 'functions/consumers/read-store-invalidation.ts',
    memoryMb: 256,
    // The bus and idempotency records: the consumer framework's.
    grants: {
      bus: true,
      tables: { idempotency: ['get', 'put', 'update', 'delete'], systemReadStore: ['update'] },
    },
  },
];
