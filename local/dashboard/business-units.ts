/**
 * The dashboard's row per business unit (ERP instance), as the CloudWatch dashboard has one:
 * its breaker (`erp` / `erp:<instance>`), its latest procurement -> ERP sync lag against its SLO,
 * and whether either is alarming. Empty with a single ERP: the page then shows no such row.
 */
import { ENVIRONMENTS } from '../../application/environments';
import { erpInstanceWatches, erpInstancesFromEnvironment } from '../../application/erp-instances';
import type { TemplateModel } from '../../assembly';

/** What the page draws of one unit. */
export interface BusinessUnitRow {
  unit: string;
  endpoint: string;
  breaker: string;
  /** The latest acknowledgement -> ERP lag (s), null before any. */
  lagSeconds: number | null;
  sloSeconds: number | null;
  alarming: boolean;
}

/**
 * The rows of the units the synthesized functions were given (ERP_INSTANCES), from the SyncLagSeconds
 * series and the breaker rows the dashboard already reads.
 */
export function businessUnitRows(
  model: Pick<TemplateModel, 'functions'>,
  syncLag: readonly { systemPair: string; objectType: string; points: readonly [number, number][] }[],
  breakers: readonly { endpoint: string; status: string }[],
): BusinessUnitRow[] {
  const declared = model.functions.find((fn) => fn.environment.ERP_INSTANCES)?.environment;
  if (!declared) return [];
  const watches = erpInstanceWatches(
    erpInstancesFromEnvironment(declared),
    ENVIRONMENTS.dev.alarms.syncLagSlos,
  );
  return watches.map((watch) => {
    const slo = watch.slos[0];
    const series = syncLag.find(
      (s) => s.systemPair === slo?.dimensions.SystemPair && s.objectType === slo?.dimensions.ObjectType,
    );
    const lagSeconds = series?.points.at(-1)?.[1] ?? null;
    const breaker = breakers.find((b) => b.endpoint === watch.endpoint)?.status ?? 'closed';
    const sloSeconds = slo?.thresholdSeconds ?? null;
    return {
      unit: watch.instance,
      endpoint: watch.endpoint,
      breaker,
      lagSeconds,
      sloSeconds,
      alarming: breaker === 'open' || (lagSeconds !== null && sloSeconds !== null && lagSeconds > sloSeconds),
    };
  });
}
