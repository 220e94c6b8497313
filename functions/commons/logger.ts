/**
 * The logger, built once per execution environment (service name from POWERTOOLS_SERVICE_NAME).
 * Its own module so a function that only logs, such as the API authorizer, does not also load and
 * build the metrics (functions/commons/powertools.ts re-exports this same logger).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger();
