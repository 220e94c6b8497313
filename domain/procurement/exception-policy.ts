/**
 * When a forecast exception needs action (business-rules.md, "When a forecast exception needs action").
 */
import { ContractViolation } from '../failures';
import { Decimal, type DecimalLike } from '../decimal';
import { calculateNeed, findOpenRequest, type NeedCalculation } from './need';
import { DEFAULT_PROCUREMENT_POLICY, severityAtLeast, type ProcurementPolicy } from './policy';
import type { ForecastException, SourcingRequestSnapshot, SupplySnapshot } from './types';

/** An exception already handled: the key is plan id + exception id, the plan version orders them. */
export interface HandledException {
  planId: string;
  exceptionId: string;
  planVersion: number;
}

/** What the decision needs besides the exception itself, all looked up beforehand. */
export interface ExceptionContext extends SupplySnapshot {
  /** Exceptions already handled; only those with the same plan id and exception id matter. */
  previouslyHandled?: readonly HandledException[];
  /** @default DEFAULT_PROCUREMENT_POLICY */
  policy?: ProcurementPolicy;
}

/** Why an exception is recorded without action. */
export type RecordOnlyReason =
  /** DEMAND_UPLIFT below both the uplift threshold and the severity of its class. */
  | 'BELOW_THRESHOLD'
  /** INVENTORY_RISK with no need left once open supply is counted. */
  | 'NO_NEED'
  /** DEMAND_DROP with no open sourcing request to reduce. */
  | 'NO_OPEN_REQUEST';

/** What made an exception actionable. */
export type ActionTrigger =
  /** DEMAND_UPLIFT with uplift >= its class threshold (reported first when severity also qualifies). */
  | 'UPLIFT'
  /** DEMAND_UPLIFT with severity >= its class severity. */
  | 'SEVERITY'
  /** INVENTORY_RISK with need > 0. */
  | 'NEED'
  /** DEMAND_DROP with an open sourcing request for the same item, site and bucket. */
  | 'DEMAND_DROP';

/** The figures a decision was based on, for the audit trail. */
export interface ExceptionAssessment {
  /** (forecast - baseline) / baseline to 6 places, for people to read; decisions compare exactly. */
  uplift: Decimal | 'infinite';
  need: NeedCalculation;
  /** The open sourcing request for the same item, site and bucket, left out of the need. */
  openRequest?: SourcingRequestSnapshot;
}

/** Whether to act on a forecast exception, and why. */
export type ExceptionDecision =
  /** A higher plan version was already handled for this plan and exception id (`handledPlanVersion`). */
  | { act: false; outcome: 'stale'; handledPlanVersion: number }
  /** This plan version was already handled. */
  | { act: false; outcome: 'duplicate'; handledPlanVersion: number }
  | { act: false; outcome: 'record'; reason: RecordOnlyReason; assessment: ExceptionAssessment }
  | { act: true; outcome: 'act'; trigger: ActionTrigger; assessment: ExceptionAssessment };

function nonNegative(value: DecimalLike, field: string): Decimal {
  const qty = Decimal.of(value);
  if (qty.isNegative()) {
    throw new ContractViolation(`${field} must not be negative, got ${qty.toString()}`, 'planning', {
      field,
    });
  }
  return qty;
}

/**
 * Whether `(forecast - baseline) / baseline >= threshold`, without dividing: `f - b >= t × b` for
 * b > 0. With baseline 0 the uplift is infinite when forecast > 0 (reaches any threshold) and 0 when
 * forecast is 0.
 */
export function upliftReaches(baseline: DecimalLike, forecast: DecimalLike, threshold: DecimalLike): boolean {
  const b = Decimal.of(baseline);
  const f = Decimal.of(forecast);
  if (b.isZero()) return f.isPositive() || Decimal.ZERO.gte(threshold);
  return f.sub(b).gte(b.mul(threshold));
}

/** The uplift as a fraction (6 places, half-even) or `'infinite'`; for display, not for decisions. */
export function upliftOf(baseline: DecimalLike, forecast: DecimalLike): Decimal | 'infinite' {
  const b = Decimal.of(baseline);
  const f = Decimal.of(forecast);
  if (b.isZero()) return f.isPositive() ? 'infinite' : Decimal.ZERO;
  return f.sub(b).div(b, 6, 'half-even');
}

/** The highest plan version already handled for this exception's plan id and exception id. */
function handledVersionOf(
  exception: ForecastException,
  handled: readonly HandledException[],
): number | undefined {
  let highest: number | undefined;
  for (const h of handled) {
    if (h.planId !== exception.planId || h.exceptionId !== exception.exceptionId) continue;
    if (highest === undefined || h.planVersion > highest) highest = h.planVersion;
  }
  return highest;
}

/**
 * Decides whether a forecast exception needs action:
 * - a lower plan version than one handled for the same plan and exception id is `stale`, the same
 *   version a `duplicate`: recorded, nothing acted on;
 * - DEMAND_UPLIFT acts when uplift >= its class threshold or severity >= its class severity;
 * - INVENTORY_RISK acts when the need is above 0;
 * - DEMAND_DROP acts (amend or cancel) only when an open sourcing request exists for the same item,
 *   site and bucket; thresholds do not apply.
 * The need is always computed with that open request left out, as the amendment replaces it.
 */
/**
 * Whether the decision depends on supply at all: a demand uplift below both its class's uplift
 * threshold and its class's severity is recorded whatever the open requests and orders are. Most
 * exceptions are such uplifts, so the evaluation answers them without calling any system.
 */
export function decidedWithoutSupply(
  exception: ForecastException,
  policy: ProcurementPolicy = DEFAULT_PROCUREMENT_POLICY,
): boolean {
  if (exception.kind !== 'DEMAND_UPLIFT') return false;
  const threshold = policy.upliftThresholds[exception.velocityClass];
  if (threshold === undefined) return false;
  const baseline = nonNegative(exception.baselineQty, 'baseline_qty');
  const forecast = nonNegative(exception.forecastQty, 'forecast_qty');
  return (
    !upliftReaches(baseline, forecast, threshold.minUplift) &&
    !severityAtLeast(exception.severity, threshold.minSeverity)
  );
}

export function evaluateException(
  exception: ForecastException,
  context: ExceptionContext,
): ExceptionDecision {
  if (!Number.isSafeInteger(exception.planVersion) || exception.planVersion < 0) {
    throw new ContractViolation(
      `plan version must be a whole number, got ${exception.planVersion}`,
      'planning',
      {
        field: 'plan.version',
      },
    );
  }
  const handledPlanVersion = handledVersionOf(exception, context.previouslyHandled ?? []);
  if (handledPlanVersion !== undefined && exception.planVersion <= handledPlanVersion) {
    return exception.planVersion < handledPlanVersion
      ? { act: false, outcome: 'stale', handledPlanVersion }
      : { act: false, outcome: 'duplicate', handledPlanVersion };
  }

  const policy = context.policy ?? DEFAULT_PROCUREMENT_POLICY;
  const openRequest = findOpenRequest(exception, context.sourcingRequests);
  const need = calculateNeed(exception, context, { excludeRequestId: openRequest?.requestId });
  const baseline = nonNegative(exception.baselineQty, 'baseline_qty');
  const forecast = nonNegative(exception.forecastQty, 'forecast_qty');
  const assessment: ExceptionAssessment = { uplift: upliftOf(baseline, forecast), need };
  if (openRequest !== undefined) assessment.openRequest = openRequest;

  switch (exception.kind) {
    case 'DEMAND_UPLIFT': {
      const threshold = policy.upliftThresholds[exception.velocityClass];
      if (threshold === undefined) {
        throw new ContractViolation(
          `unknown velocity class: ${String(exception.velocityClass)}`,
          'planning',
          {
            field: 'velocity_class',
          },
        );
      }
      if (upliftReaches(baseline, forecast, threshold.minUplift)) {
        return { act: true, outcome: 'act', trigger: 'UPLIFT', assessment };
      }
      if (severityAtLeast(exception.severity, threshold.minSeverity)) {
        return { act: true, outcome: 'act', trigger: 'SEVERITY', assessment };
      }
      return { act: false, outcome: 'record', reason: 'BELOW_THRESHOLD', assessment };
    }
    case 'INVENTORY_RISK':
      return need.needEa.isPositive()
        ? { act: true, outcome: 'act', trigger: 'NEED', assessment }
        : { act: false, outcome: 'record', reason: 'NO_NEED', assessment };
    case 'DEMAND_DROP':
      return openRequest !== undefined
        ? { act: true, outcome: 'act', trigger: 'DEMAND_DROP', assessment }
        : { act: false, outcome: 'record', reason: 'NO_OPEN_REQUEST', assessment };
    default:
      throw new ContractViolation(`unknown exception kind: ${String(exception.kind)}`, 'planning', {
        field: 'kind',
      });
  }
}
