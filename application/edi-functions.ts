/**
 * The EDI consumers (issue #19, ADR 10), part of the function catalog (application/functions.ts):
 * 850s out, partner interchanges in, and shipment milestones to the ERP.
 */
import type { FunctionDefinition } from './functions';
import { BREAKER_STATE, IDEMPOTENCY_RECORDS } from './grant-sets';

/** The EDI consumers' catalog entries. */
export const EDI_CONSUMER_FUNCTIONS: readonly FunctionDefinition[] = [
  {
    key: 'edi-purchase-order-send',
    description: 'Sends a posted or amended purchase order to its EDI trading partner as an X12 850',
    entry: 'functions/consumers/edi-purchase-order-send.ts',
    memoryMb: 512,
    grants: {
      bus: true,
      ediPartners: true,
      // The counter (update), the 850s sent per revision (get, query, put).
      tables: { idempotency: IDEMPOTENCY_RECORDS, ediLedger: ['get', 'query', 'put', 'update'] },
      buckets: { ediMailbox: 'writeOnce' },
    },
  },
  {
    key: 'edi-inbound-interchange',
    description:
      'Receives a partner interchange from the EDI mailbox: 997, 855 applied, or kept for a person',
    entry: 'functions/consumers/edi-inbound-interchange.ts',
    memoryMb: 1024,
    grants: {
      bus: true,
      ediPartners: true,
      tables: { ediLedger: ['get', 'query', 'put', 'update'] },
      buckets: { ediMailbox: 'writeOnce' },
    },
  },
  {
    key: 'shipment-sync',
    description: "Applies a supplier's shipment milestone (ASN) to the ERP as a receipt to expect",
    entry: 'functions/consumers/shipment-sync.ts',
    memoryMb: 512,
    grants: {
      bus: true,
      connectors: ['erp'],
      tables: {
        idempotency: IDEMPOTENCY_RECORDS,
        circuitBreaker: BREAKER_STATE,
        workflowCorrelation: ['get'],
        // The shipment ids' versions: taken and released by conditional updates, read when refused.
        ediLedger: ['get', 'update'],
      },
    },
  },
];
