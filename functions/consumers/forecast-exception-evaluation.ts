/**
 * Consumer of `forecast-exception.raised` (critical lane): decides whether the exception needs a
 * sourcing action and, when it does, starts the purchase-commitment workflow with it.
 */
import { validateForecastExceptionRaisedV1 } from '../../canonical/generated/validators';
import type { ForecastExceptionRaisedV1 } from '../../canonical/generated/types';
import { evaluateForecastException, resumeCommitment } from '../../domain/commitment/evaluation';
import { canonicalValidators } from '../commons/consumer';
import { evaluationPorts } from '../commons/commitment-ports';
import { consumerHandler } from './composition';

export const handler = consumerHandler({
  name: 'forecast-exception-evaluation',
  validators: canonicalValidators({ 'forecast-exception.raised': validateForecastExceptionRaisedV1 }),
  process: async (event, { logger }) => {
    const { outcome } = await evaluateForecastException(
      event as ForecastExceptionRaisedV1,
      evaluationPorts(),
    );
    logger.info('forecast exception evaluated', { outcome });
  },
  // The recovery after a restart: a replay finishes commitments that died with the runtime.
  resume: async (event, { logger }) => {
    const outcome = await resumeCommitment(event as ForecastExceptionRaisedV1, evaluationPorts());
    logger.info('replayed forecast exception resumed', { outcome });
  },
});
