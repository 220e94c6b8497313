/** What the canonical model benchmark measures, bundled like a function before it is measured. */
export { mapForecastException } from '../../adapters/planning/mapping';
export { validatePlanningForecastException } from '../../adapters/planning/generated/validators';
export { validateCarriedPlanningForecastException } from '../../adapters/planning/generated/carried-validators';
export { mapPurchaseOrderChanged } from '../../adapters/procurement/mapping';
export { validateProcurementPurchaseOrderChanged } from '../../adapters/procurement/generated/validators';
export { validateCarriedProcurementPurchaseOrderChanged } from '../../adapters/procurement/generated/carried-validators';
export { breachesOf } from '../../adapters/webhooks/held';
export {
  validateForecastExceptionRaisedV1,
  validatePurchaseOrderChangedV1,
} from '../../canonical/generated/validators';
export { toUtc, isoFromEpochMs } from '../../canonical/time';
export { forecastExceptionJson } from './forecast-exception-probe';
