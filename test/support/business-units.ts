import { mapForecastException } from '../../adapters/planning/mapping';
import type { PlanningForecastException } from '../../adapters/planning/generated/types';
import { forecastExceptionDelivery } from '../fixtures/planning';

/**
 * The A-class forecast exception of 40% uplift on SKU-10442 (EA, cases of 12) the commitment suites
 * evaluate, with `exception` and `plan` fields overridden (by default at the fixture's DC-EAST-02).
 */
export function uplift(
  context: Parameters<typeof mapForecastException>[1],
  exception: Partial<PlanningForecastException['exception']> & { exception_id: string },
  plan: Partial<PlanningForecastException['plan']> = {},
): ReturnType<typeof mapForecastException> {
  return mapForecastException(
    forecastExceptionDelivery({
      exception: {
        uom: 'EA',
        pack_size: 12,
        baseline_qty: 1000,
        forecast_qty: 1400,
        projected_on_hand: 200,
        safety_stock: 100,
        ...exception,
      },
      plan,
    }),
    context,
  );
}

/** An A-class forecast exception of 40% uplift on SKU-10442 at `site`: a commitment the unit of the site's warehouse posts. */
export function upliftAt(
  site: string,
  exceptionId: string,
  context: Parameters<typeof mapForecastException>[1],
): ReturnType<typeof mapForecastException> {
  return uplift(context, { exception_id: exceptionId, site });
}
