/**
 * Grant sets several catalog entries share (application/functions.ts and the catalog's parts).
 * A module of their own so the parts can use them without importing functions.ts, which imports
 * the parts.
 */
import type { TableOperation } from './functions';
import type { ConnectorKey } from './resources';

/** Powertools idempotency records (DynamoDBPersistenceLayer: get, put, update, delete). */
export const IDEMPOTENCY_RECORDS: readonly TableOperation[] = ['get', 'put', 'update', 'delete'];

/** The circuit-breaker table: breaker state and request budgets (get, update), incidents (update, delete). */
export const BREAKER_STATE: readonly TableOperation[] = ['get', 'update', 'delete'];

/** Both systems of record, the procurement platform and the ERP. */
export const BOTH_SYSTEMS: readonly ConnectorKey[] = ['procurement', 'erp'];
