/**
 * Consumer of `integration-exception.raised` and `.resolved` (standard lane): keeps the store the
 * work list and the dashboard read, in any delivery order.
 */
import {
  validateIntegrationExceptionRaisedV1,
  validateIntegrationExceptionResolvedV1,
} from '../../canonical/generated/validators';
import {
  IntegrationExceptionStore,
  recordFromEvent,
  type IntegrationExceptionEvent,
} from '../../adapters/aws/integration-exceptions';
import { TABLES } from '../../application/resources';
import { documents, env } from '../commons/clients';
import { canonicalValidators } from '../commons/consumer';
import { consumerHandler } from '../commons/consumer-handler';

let store: IntegrationExceptionStore | undefined;

export const handler = consumerHandler({
  name: 'integration-exception-recorder',
  validators: canonicalValidators({
    'integration-exception.raised': validateIntegrationExceptionRaisedV1,
    'integration-exception.resolved': validateIntegrationExceptionResolvedV1,
  }),
  process: async (event, { logger }) => {
    store ??= new IntegrationExceptionStore(documents(), env(TABLES.integrationExceptions.envVar));
    const outcome = await recordFromEvent(event as IntegrationExceptionEvent, store);
    logger.info('integration exception recorded', { outcome });
  },
});
