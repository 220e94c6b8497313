/**
 * Logger and metrics, built once per execution environment. Service name and namespace come from
 * the environment CDK sets (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE).
 */
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';

export { logger } from './logger';
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Supplyline' });

/** Business metrics as EMF; a metric with dimensions is flushed on its own so they stay its own. */
export function emitMetric(
  name: string,
  value: number,
  unit: keyof typeof MetricUnit,
  dimensions: Record<string, string> = {},
): void {
  if (Object.keys(dimensions).length === 0) {
    metrics.addMetric(name, MetricUnit[unit], value);
    return;
  }
  const single = metrics.singleMetric();
  for (const [dimension, dimensionValue] of Object.entries(dimensions))
    single.addDimension(dimension, dimensionValue);
  single.addMetric(name, MetricUnit[unit], value);
}
