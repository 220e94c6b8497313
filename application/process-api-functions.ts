/**
 * The process APIs' functions (issue #17), part of the function catalog (application/functions.ts):
 * purchase-order validation, supplier eligibility and purchase requisitions.
 */
import type { FunctionDefinition, FunctionGrants } from './functions';
import { BOTH_SYSTEMS, BREAKER_STATE } from './grant-sets';

/**
 * The process APIs (issue #17) read both systems through the shared breaker and write nothing; the
 * bus only for the breaker's incident when an ERP or procurement outage opens it.
 */
const PROCESS_API_GRANTS: FunctionGrants = {
  bus: true,
  businessRules: true,
  connectors: BOTH_SYSTEMS,
  tables: { circuitBreaker: BREAKER_STATE },
};

/** The process APIs' catalog entries. */
export const PROCESS_API_FUNCTIONS: readonly FunctionDefinition[] = [
  {
    key: 'purchase-order-validation',
    description:
      'Checks a proposed purchase order with the commitment workflow’s policy checks, changing nothing',
    entry: 'functions/api/purchase-order-validation.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    grants: PROCESS_API_GRANTS,
  },
  {
    key: 'supplier-eligibility',
    description: 'Answers whether a supplier may receive an order for an item at a site, check by check',
    entry: 'functions/api/supplier-eligibility.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    grants: PROCESS_API_GRANTS,
  },
  {
    key: 'purchase-requisition-submission',
    description: 'Records a purchase requisition (idempotent on its key) and starts its commitment workflow',
    entry: 'functions/api/purchase-requisition-submission.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: {
      businessRules: true,
      tables: { workflowCorrelation: ['get', 'put', 'update'] },
      workflows: { 'purchase-commitment': 'start' },
    },
  },
  {
    key: 'purchase-requisition-status',
    description: 'Answers a purchase requisition’s status, path and each system’s reference',
    entry: 'functions/api/purchase-requisition-status.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: { tables: { workflowCorrelation: ['get'] } },
  },
  {
    key: 'purchase-requisition-cancellation',
    description: 'Cancels a purchase requisition while nothing is committed, and its sourcing request',
    entry: 'functions/api/purchase-requisition-cancellation.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    grants: {
      bus: true, // the breaker's incident when a procurement outage opens it
      connectors: ['procurement'],
      tables: { workflowCorrelation: ['get', 'update'], circuitBreaker: BREAKER_STATE },
      // Ends the approval workflow of a cancelled requisition (withdrawn, not decided).
      workflows: { 'commitment-approval': 'taskResponse' },
    },
  },
];
