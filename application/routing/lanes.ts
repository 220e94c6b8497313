/**
 * Workload lanes: how consumers of each kind of work are batched, scaled and retried.
 *
 * Plain data (no aws-cdk-lib import). Lanes exist so a flood of bulk planning work can never take
 * the concurrency that ERP and procurement transactions need: each consumer has its own queue and
 * its own event source mapping capped by MaximumConcurrency.
 */

/** The workload lanes, most urgent first. */
export const LANE_NAMES = ['critical', 'standard', 'bulk'] as const;

/** A workload lane. */
export type LaneName = (typeof LANE_NAMES)[number];

/** Defaults every consumer in a lane gets unless its route says otherwise. */
export interface WorkloadLane {
  /** What belongs in this lane. */
  readonly description: string;
  /** Messages per Lambda invocation (SQS allows up to 10 without a batching window). */
  readonly batchSize: number;
  /** Seconds the event source mapping may wait to fill a batch (0-300); 0 favours latency. */
  readonly maxBatchingWindowSeconds: number;
  /** Event source mapping MaximumConcurrency per consumer (2-1000). */
  readonly maxConcurrency: number;
  /** The consumer's Lambda timeout; the queue's visibility timeout is six times this. */
  readonly consumerTimeoutSeconds: number;
  /** Receives before a message moves to the consumer's dead-letter queue. */
  readonly maxReceiveCount: number;
  /** How EventBridge retries delivery to the consumer's queue before using the target DLQ. */
  readonly delivery: {
    /** 0-185. */
    readonly retryAttempts: number;
    /** 60-86400 seconds. */
    readonly maxEventAgeSeconds: number;
  };
}

/** The lanes. Environments may lower or raise concurrency (see `application/environments.ts`). */
export const LANES: Readonly<Record<LaneName, WorkloadLane>> = {
  critical: {
    description: 'ERP and procurement transactions with minute-level service levels',
    batchSize: 5,
    maxBatchingWindowSeconds: 0,
    maxConcurrency: 10,
    consumerTimeoutSeconds: 60,
    maxReceiveCount: 5,
    delivery: { retryAttempts: 185, maxEventAgeSeconds: 86_400 },
  },
  standard: {
    description: 'Master data (suppliers, items) and integration exception records',
    batchSize: 10,
    maxBatchingWindowSeconds: 5,
    maxConcurrency: 5,
    consumerTimeoutSeconds: 60,
    maxReceiveCount: 5,
    delivery: { retryAttempts: 185, maxEventAgeSeconds: 86_400 },
  },
  bulk: {
    description: 'Planning synchronisation: whole forecasts and forecast line changes',
    batchSize: 50,
    maxBatchingWindowSeconds: 30,
    maxConcurrency: 2,
    consumerTimeoutSeconds: 300,
    maxReceiveCount: 3,
    delivery: { retryAttempts: 185, maxEventAgeSeconds: 86_400 },
  },
};

/** SQS visibility timeout must cover every retry a Lambda poller may make: six times the timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
