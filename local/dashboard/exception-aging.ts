/**
 * The dashboard's aging distribution of the open integration exceptions: every open one (not only
 * the page the table lists), per age bucket, with how many were escalated and the limits in force.
 */
import type { IntegrationExceptionStore } from '../../adapters/aws/integration-exceptions';
import type { BusinessRules } from '../../application/environments';
import {
  AGE_BUCKETS,
  DEFAULT_ESCALATION_POLICY,
  agingDistribution,
  type AgeBucket,
} from '../../domain/integration-exception-aging';
import { exceptionAgeSeconds } from '../../domain/integration-exceptions';

/** What the aging card shows. */
export interface ExceptionAging {
  /** Buckets youngest first, each with its count. */
  buckets: { bucket: AgeBucket; count: number }[];
  /** Open exceptions already escalated. */
  escalated: number;
  openHours: number;
  criticalOpenHours: number;
}

/** The aging of every open exception in `store` at `now`, under the environment's limits. */
export async function exceptionAging(
  store: IntegrationExceptionStore,
  rules: BusinessRules,
  now: Date,
): Promise<ExceptionAging> {
  const ages: number[] = [];
  let escalated = 0;
  for await (const open of store.openExceptions()) {
    ages.push(exceptionAgeSeconds(open.exception, now));
    if (open.escalatedAt !== undefined) escalated += 1;
  }
  const counts = agingDistribution(ages);
  const policy = rules.exceptionEscalation ?? DEFAULT_ESCALATION_POLICY;
  return {
    buckets: AGE_BUCKETS.map(({ name }) => ({ bucket: name, count: counts[name] })),
    escalated,
    openHours: policy.openHours,
    criticalOpenHours: policy.criticalOpenHours,
  };
}
