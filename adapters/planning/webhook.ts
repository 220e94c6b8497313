/** The planning platform's webhook, as the intake pipeline runs it. */
import {
  validateForecastExceptionRaisedV1,
  validateForecastPublishedV1,
} from '../../canonical/generated/validators';
import type { VendorWebhook } from '../webhooks/intake';
import {
  validateCarriedPlanningForecastException,
  validateCarriedPlanningForecastPublished,
} from './generated/carried-validators';
import { validatePlanningForecastException, validatePlanningForecastPublished } from './generated/validators';
import { mapForecastException, mapForecastPublished } from './mapping';
import { verifyPlanningSignature } from './signature';
import { PLANNING_MAX_BODY_BYTES } from './webhook-schemas';

export const planningWebhook: VendorWebhook = {
  system: 'planning',
  maxBodyBytes: PLANNING_MAX_BODY_BYTES,
  eventHeader: 'x-planning-event',
  deliveryHeader: 'x-planning-delivery',
  verify: (request, secrets, now) =>
    verifyPlanningSignature(request.headers['x-planning-signature'], request.body, { secrets, now }),
  deliveries: {
    'forecast.exception': {
      carried: validateCarriedPlanningForecastException,
      validate: validatePlanningForecastException,
      map: mapForecastException,
      canonical: validateForecastExceptionRaisedV1,
      // A lower plan version of the same exception is stale (vendor contract).
      version: (event) => ({
        objectKey: `ForecastException#${event.sourceObjectId}`,
        version: event.sourceVersion,
      }),
    },
    'forecast.published': {
      carried: validateCarriedPlanningForecastPublished,
      validate: validatePlanningForecastPublished,
      map: mapForecastPublished,
      canonical: validateForecastPublishedV1,
      version: (event) => ({ objectKey: `Forecast#${event.sourceObjectId}`, version: event.sourceVersion }),
    },
  },
} as VendorWebhook;
