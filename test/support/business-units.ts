import { mapForecastException } from '../../adapters/planning/mapping';
import { forecastExceptionDelivery } from '../fixtures/planning';

/** An A-class forecast exception of 40% uplift on SKU-10442 at `site`: a commitment the unit of the site's warehouse posts. */
export function upliftAt(
  site: string,
  exceptionId: string,
  context: Parameters<typeof mapForecastException>[1],
): ReturnType<typeof mapForecastException> {
  return mapForecastException(
    forecastExceptionDelivery({
      exception: {
        exception_id: exceptionId,
        site,
        uom: 'EA',
        pack_size: 12,
        baseline_qty: 1000,
        forecast_qty: 1400,
        projected_on_hand: 200,
        safety_stock: 100,
      },
    }),
    context,
  );
}
