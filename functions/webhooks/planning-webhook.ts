/** POST /v1/webhooks/planning: planning platform deliveries. */
import { planningWebhook } from '../../adapters/planning/webhook';
import { SECRETS } from '../../application/resources';
import { webhookHandler } from './webhook-handler';

export const handler = webhookHandler(planningWebhook, [
  SECRETS.planningWebhookSigningCurrent.envVar,
  SECRETS.planningWebhookSigningPrevious.envVar,
]);
