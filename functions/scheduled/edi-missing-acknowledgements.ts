/**
 * Hourly check of the 997s the guide expects within 24 hours of each 850
 * (domain/edi/missing-acknowledgements.ts): an 850 still unanswered becomes an integration exception
 * naming its file; the same one on every run until the partner answers.
 *
 * Environment: EDI_TRADING_PARTNERS, EDI_LEDGER_TABLE_NAME, EVENT_BUS_NAME, TENANT_ID.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { raiseMissingAcknowledgements } from '../../domain/edi/missing-acknowledgements';
import { publish, tenantId } from '../commons/adapters';
import { ediLedgerPorts } from '../commons/edi';
import { beginInvocation } from '../commons/invocation';
import { emitMetric, logger, metrics } from '../commons/powertools';

/** Schedule target (hourly). */
export const handler = async (_event?: unknown, context?: Context) => {
  beginInvocation(context);
  try {
    const overdue = await raiseMissingAcknowledgements({
      ...ediLedgerPorts(),
      publish,
      now: () => new Date(),
      newId: randomUUID,
      tenantId: tenantId(),
    });
    emitMetric('EdiAcknowledgementsMissing', overdue.length, 'Count');
    logger.info('850s without a 997 checked', { missing: overdue.map((sent) => sent.key) });
    return { missing: overdue.length };
  } finally {
    metrics.publishStoredMetrics();
  }
};
