/**
 * Consumer of `integration-exception.raised` and `.resolved` (standard lane): keeps the store the
 * work list and the dashboard read, in any delivery order.
 */
import {
  validateIntegrationExceptionRaisedV1,
  validateIntegrationExceptionResolvedV1,
} from '../../canonical/generated/validators';
import { recordFromEvent, type IntegrationExceptionEvent } from '../../adapters/aws/integration-exceptions';
import { canonicalValidators } from '../commons/consumer';
import { consumerHandler, exceptionStore } from './composition';

export const handler = consumerHandler({
  name: 'integration-exception-recorder',
  validators: canonicalValidators({
    'integration-exception.raised': validateIntegrationExceptionRaisedV1,
    'integration-exception.resolved': validateIntegrationExceptionResolvedV1,
  }),
  process: async (event, { logger }) => {
    const outcome = await recordFromEvent(event as IntegrationExceptionEvent, exceptionStore());
    logger.info('integration exception recorded', { outcome });
  },
});
