/**
 * The business metrics (CloudWatch EMF, Powertools Metrics) that dashboards and alarms read.
 *
 * Plain data (no aws-cdk-lib import): handlers import these names so what they emit is what the
 * alarms watch. Powertools adds a `service` dimension to every metric; every function runs with
 * POWERTOOLS_SERVICE_NAME = {@link METRICS_SERVICE}, so that dimension is always this value.
 */

/** The `AgeBucket` beyond every exception's escalation limit, which the overdue alarm watches. */
export { OVERDUE_BUCKET as OVERDUE_EXCEPTION_AGE_BUCKET } from '../domain/integration-exception-aging';

/** CloudWatch namespace of every Supplyline metric (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'Supplyline';

/** POWERTOOLS_SERVICE_NAME of every function, hence the `service` dimension of every metric. */
export const METRICS_SERVICE = 'supplyline';

/** Metric names and their dimension names (besides `service`). */
export const BUSINESS_METRICS = {
  /** Source system event time -> target system confirmed the change. */
  SyncLagSeconds: { unit: 'Seconds', dimensions: ['ObjectType', 'SystemPair'] },
  /** Forecast exception received -> purchase order posted in the ERP (no approval needed). */
  ForecastToOrderSeconds: { unit: 'Seconds', dimensions: [] },
  /** Open integration exceptions (a gauge, emitted when the count changes or on a schedule). */
  IntegrationExceptionsOpen: { unit: 'Count', dimensions: [] },
  /** Age of the oldest open integration exception. */
  IntegrationExceptionAgeSeconds: { unit: 'Seconds', dimensions: [] },
  /** Open integration exceptions per age bucket (domain/integration-exception-aging.ts), a gauge. */
  IntegrationExceptionsOpenByAge: { unit: 'Count', dimensions: ['AgeBucket'] },
  /** Integration exceptions escalated by a pass for staying open beyond their limit. */
  IntegrationExceptionsEscalated: { unit: 'Count', dimensions: [] },
  /** Duplicate deliveries suppressed by idempotency (never silent). */
  DuplicatesSuppressed: { unit: 'Count', dimensions: [] },
  /** Authentic webhook deliveries refused, failed or held, kept in the quarantine (alarmed). */
  DeliveriesQuarantined: { unit: 'Count', dimensions: [] },
  /** Deliveries accepted but held: the canonical model cannot carry them (also DeliveriesQuarantined). */
  DeliveriesHeld: { unit: 'Count', dimensions: [] },
  /** Webhook deliveries whose signature did not verify: counted, never stored. */
  UnsignedDeliveriesRefused: { unit: 'Count', dimensions: [] },
  /** 1 while the breaker of an endpoint is open, 0 when closed. */
  CircuitBreakerOpen: { unit: 'Count', dimensions: ['Endpoint'] },
  /** Purchase orders a reconciliation run compared. */
  ReconciliationOrders: { unit: 'Count', dimensions: [] },
  /** Differences a reconciliation run found, per contract class (domain/reconciliation/types.ts). */
  ReconciliationDifferences: { unit: 'Count', dimensions: ['DifferenceClass'] },
  /** Differences a reconciliation run repaired through the normal idempotent paths. */
  ReconciliationRepairs: { unit: 'Count', dimensions: [] },
  /** Repairs that failed (their differences became integration exceptions). */
  ReconciliationRepairFailures: { unit: 'Count', dimensions: [] },
  /** Differences a reconciliation run found per 100 orders compared (domain/reconciliation/drift.ts). */
  ReconciliationDriftPercent: { unit: 'Percent', dimensions: [] },
  /** Warehouse-months whose committed value differs between the ERP and Supplyline (reported only). */
  ReconciliationCommittedValueDifferences: { unit: 'Count', dimensions: [] },
  /** Inbound EDI input refused as malformed, per exception code (domain/edi/exceptions.ts REJECTED_INPUT_CODES). */
  EdiInboundRejected: { unit: 'Count', dimensions: ['Reason'] },
  /** Repeated EDI interchanges (same sender and ISA13): acknowledged again, nothing applied. */
  EdiDuplicateInterchanges: { unit: 'Count', dimensions: ['Partner'] },
} as const;

/** A business metric name. */
export type BusinessMetricName = keyof typeof BUSINESS_METRICS;

/** `SystemPair` dimension values: `<source>-<target>`. */
export const SYSTEM_PAIRS = [
  'planning-erp',
  'planning-procurement',
  'procurement-erp',
  'erp-procurement',
] as const;

/** `Endpoint` dimension values of the circuit breakers (one per external system). */
export const CIRCUIT_BREAKER_ENDPOINTS = ['erp', 'procurement', 'planning'] as const;
