/**
 * Every 15 minutes: escalates each open integration exception past its limit (24 h; critical 4 h:
 * domain/integration-exception-aging.ts) once, recording `escalatedAt` on it and announcing
 * `integration-exception.escalated` on the bus for whoever subscribes; and gauges the open
 * exceptions by age bucket, which the dashboard graphs and the overdue alarm watches.
 *
 * Environment: INTEGRATION_EXCEPTIONS_TABLE_NAME, EVENT_BUS_NAME, TENANT_ID, SUPPLYLINE_BUSINESS_RULES.
 */
import type { Context } from 'aws-lambda';
import type { BusinessMetricName } from '../../application/metrics';
import { AGE_BUCKETS, escalateOverdueExceptions } from '../../domain/integration-exception-aging';
import { beginInvocation } from '../commons/invocation';
import { emitMetric, logger, metrics } from '../commons/powertools';
import { escalationPolicy, escalationPorts } from './composition';

const BY_AGE: BusinessMetricName = 'IntegrationExceptionsOpenByAge';

/** Schedule target. */
export const handler = async (_event?: unknown, context?: Context) => {
  beginInvocation(context);
  try {
    const pass = await escalateOverdueExceptions(escalationPorts(), escalationPolicy());
    for (const bucket of AGE_BUCKETS)
      emitMetric(BY_AGE, pass.distribution[bucket.name], 'Count', { AgeBucket: bucket.name });
    emitMetric('IntegrationExceptionsOpen' satisfies BusinessMetricName, pass.open, 'Count');
    emitMetric(
      'IntegrationExceptionAgeSeconds' satisfies BusinessMetricName,
      pass.oldestAgeSeconds,
      'Seconds',
    );
    emitMetric('IntegrationExceptionsEscalated' satisfies BusinessMetricName, pass.escalated.length, 'Count');
    logger.info('open integration exceptions aged', { ...pass });
    return pass;
  } finally {
    metrics.publishStoredMetrics();
  }
};
