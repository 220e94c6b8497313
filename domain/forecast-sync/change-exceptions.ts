/**
 * Bulk forecast line changes fed to the same evaluation as forecast exceptions
 * (domain/commitment/evaluation.ts). A changed line carries less than an exception: no severity,
 * velocity class, safety stock, projected on hand or pack size. The mapping fills them
 * conservatively, so a bulk change never orders more than an equivalent exception would:
 *
 * | exception field | from a changed line |
 * |---|---|
 * | kind | DEMAND_UPLIFT when the quantity rose, DEMAND_DROP when it fell (INVENTORY_RISK never) |
 * | baseline | the previous version's quantity |
 * | severity | LOW: only the uplift threshold of the class can trigger action |
 * | velocity class | configuration per item, else the default (C: the highest threshold) |
 * | projected on hand | the ERP's on-hand balance in the site's warehouse (read by the caller) |
 * | safety stock | 0 |
 * | pack size | configuration per item, else 1 (order exactly the need) |
 * | bucket | the week: weekStart .. weekStart + 6 days |
 *
 * Lines new in this version (`previousQuantityEa: null`) are not evaluated: the first processed
 * version of each plan emits every line as new, so acting on them would source the whole plan
 * against an empty baseline. New demand keeps coming in through forecast exceptions.
 * Uplifts below their class threshold are settled here, before any call to another system.
 */
import { buildEvent } from '../../canonical/envelope';
import type {
  ForecastExceptionRaisedV1,
  ForecastLine,
  ForecastLinesChangedV1,
} from '../../canonical/generated/types';
import { Decimal } from '../decimal';
import { upliftReaches } from '../procurement/exception-policy';
import { severityAtLeast, type ProcurementPolicy } from '../procurement/policy';
import type { VelocityClass } from '../procurement/types';

/** Configuration of the mapping. */
export interface BulkEvaluationSettings {
  /** @default 'C' */
  defaultVelocityClass: VelocityClass;
  /** Velocity class per item code. @default {} */
  velocityClassByItem: Readonly<Record<string, VelocityClass>>;
  /** Case pack per item code; others order in eaches (pack 1). @default {} */
  packSizeByItem: Readonly<Record<string, number>>;
}

export const DEFAULT_BULK_EVALUATION_SETTINGS: BulkEvaluationSettings = {
  defaultVelocityClass: 'C',
  velocityClassByItem: {},
  packSizeByItem: {},
};

/** Why a line is settled without looking further. */
export type SkipReason = 'NEW_LINE' | 'UNCHANGED' | 'BELOW_THRESHOLD';

/** A changed line that may need action, with the kind it maps to. */
export interface CandidateLine {
  line: ForecastLine & { previousQuantityEa: string };
  kind: 'DEMAND_UPLIFT' | 'DEMAND_DROP';
  velocityClass: VelocityClass;
}

/** Splits a batch into lines worth evaluating and lines settled by the mapping alone. */
export function candidateLines(
  data: ForecastLinesChangedV1['data'],
  policy: Pick<ProcurementPolicy, 'upliftThresholds'>,
  settings: BulkEvaluationSettings = DEFAULT_BULK_EVALUATION_SETTINGS,
): { candidates: CandidateLine[]; skipped: Record<SkipReason, number> } {
  const skipped: Record<SkipReason, number> = { NEW_LINE: 0, UNCHANGED: 0, BELOW_THRESHOLD: 0 };
  const candidates: CandidateLine[] = [];
  for (const line of data.lines) {
    const previous = line.previousQuantityEa;
    if (previous === null || previous === undefined) {
      skipped.NEW_LINE++;
      continue;
    }
    const direction = Decimal.of(line.quantityEa).compare(previous);
    if (direction === 0) {
      skipped.UNCHANGED++;
      continue;
    }
    const velocityClass = settings.velocityClassByItem[line.itemCode] ?? settings.defaultVelocityClass;
    if (direction > 0) {
      const threshold = policy.upliftThresholds[velocityClass];
      if (
        !upliftReaches(previous, line.quantityEa, threshold.minUplift) &&
        !severityAtLeast('low', threshold.minSeverity)
      ) {
        skipped.BELOW_THRESHOLD++;
        continue;
      }
    }
    candidates.push({
      line: { ...line, previousQuantityEa: previous },
      kind: direction > 0 ? 'DEMAND_UPLIFT' : 'DEMAND_DROP',
      velocityClass,
    });
  }
  return { candidates, skipped };
}

/** `YYYY-MM-DD` plus days (calendar arithmetic, no time zone involved). */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Exception id of a plan line: readable when it fits the 64-character identifier, hashed otherwise. */
export function bulkExceptionId(
  line: Pick<ForecastLine, 'itemCode' | 'site' | 'weekStart'>,
  hash: (text: string) => string,
): string {
  const readable = `bulk:${line.itemCode}:${line.site}:${line.weekStart}`;
  return readable.length <= 64 ? readable : `bulk:${hash(readable).slice(0, 40)}`;
}

/**
 * The `forecast-exception.raised` event a candidate line stands for. Its idempotency key is the
 * forecast exception key of (plan, line, version), so the evaluation, its published result and the
 * commitment workflow it may start are keyed like those of a planner's exception.
 */
export function exceptionEventFor(
  batch: ForecastLinesChangedV1,
  candidate: CandidateLine,
  context: {
    projectedOnHandEa: string;
    settings?: BulkEvaluationSettings;
    hash: (text: string) => string;
    now(): Date;
    newId(): string;
  },
): ForecastExceptionRaisedV1 {
  const { planId, planVersion } = batch.data;
  const { line } = candidate;
  const exceptionId = bulkExceptionId(line, context.hash);
  const settings = context.settings ?? DEFAULT_BULK_EVALUATION_SETTINGS;
  return buildEvent(
    'forecast-exception.raised',
    {
      planId,
      planVersion,
      exceptionId,
      kind: candidate.kind,
      severity: 'LOW',
      velocityClass: candidate.velocityClass,
      itemCode: line.itemCode,
      site: line.site,
      bucket: { start: line.weekStart, end: addDays(line.weekStart, 6), granularity: 'week' },
      packSize: settings.packSizeByItem[line.itemCode] ?? 1,
      sourceUom: 'EA',
      baselineQuantityEa: line.previousQuantityEa,
      forecastQuantityEa: line.quantityEa,
      projectedOnHandEa: Decimal.of(context.projectedOnHandEa).toString(),
      safetyStockEa: '0',
    },
    {
      sourceObjectId: `${planId}/${exceptionId}`,
      sourceVersion: planVersion,
      occurredAt: batch.occurredAt,
      correlationId: batch.correlationId,
      causationId: batch.eventId,
      idempotencyKey: `forecast-exception:${planId}:${exceptionId}:v${planVersion}`,
      tenantId: batch.tenantId,
      ...(batch.businessUnit !== undefined ? { businessUnit: batch.businessUnit } : {}),
    },
    context,
  );
}
