/**
 * The age buckets of open integration exceptions, youngest first (business-rules.md: escalation
 * after 4 h when critical, 24 h for every exception, so a bucket says which limit passed). The
 * domain gives each its bound (domain/integration-exception-aging.ts); the work list answers it.
 */
export const EXCEPTION_AGE_BUCKETS = ['under-1h', '1h-4h', '4h-24h', 'over-24h'] as const;

/** An age bucket's name. */
export type ExceptionAgeBucket = (typeof EXCEPTION_AGE_BUCKETS)[number];
