/** The seed scenario's building blocks: its forecast uplift, and waiting for what it observes. */
import type { EventEnvelope } from '../eventbridge/bus';
import type { LocalRuntime } from '../runtime/runtime';
import type { ForecastExceptionOverrides } from '../simulators/planning/events';

/** The Monday a week after the next one: a bucket the ERP accepts as a future delivery date. */
export function nextBucket(now = new Date()): { start: string; end: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  start.setUTCDate(start.getUTCDate() + ((8 - start.getUTCDay()) % 7 || 7) + 7);
  const end = new Date(start.getTime() + 6 * 86_400_000);
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}

/** The seed's forecast uplift (+40% of SKU-10442) at `site`. */
export function forecastUplift(exceptionId: string, site: string): ForecastExceptionOverrides {
  return {
    exception: {
      exception_id: exceptionId,
      kind: 'DEMAND_UPLIFT',
      severity: 'high',
      sku: 'SKU-10442',
      site,
      uom: 'CS',
      pack_size: 12,
      bucket: { ...nextBucket(), granularity: 'week' },
      baseline_qty: 100,
      forecast_qty: 140,
      projected_on_hand: 12.5,
      safety_stock: 30,
      velocity_class: 'A',
      notes: `Regional promotion at ${site}`,
    },
  };
}

/** Polls `probe` every 50 ms until it answers, or fails after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The first event of `type` the runtime's bus accepted that `match` picks. */
export function acceptedEvent(
  runtime: Pick<LocalRuntime, 'busActivity'>,
  type: string,
  match: (event: EventEnvelope) => boolean,
): EventEnvelope | undefined {
  return runtime.busActivity.find(
    (activity): activity is { type: 'accepted'; event: EventEnvelope } =>
      activity.type === 'accepted' && activity.event['detail-type'] === type && match(activity.event),
  )?.event;
}
