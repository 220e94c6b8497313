/** POST /v1/webhooks/procurement: procurement platform deliveries. */
import { procurementWebhook } from '../../adapters/procurement/webhook';
import { SECRETS } from '../../application/resources';
import { webhookHandler } from './webhook-handler';

export const handler = webhookHandler(procurementWebhook, [SECRETS.procurementWebhookSigning.envVar]);
