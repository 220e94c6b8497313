/**
 * Logger and metrics, built once per execution environment. Service name and namespace come from
 * the environment CDK sets (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger();
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Supplyline' });
