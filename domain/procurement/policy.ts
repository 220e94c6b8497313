/**
 * Every number in the business rules, in one typed object. The defaults are those of
 * shared/contracts/business-rules.md; an environment builds its own with {@link defineProcurementPolicy}.
 */
import { Decimal, type DecimalLike } from '../decimal';
import { SEVERITIES, type Severity, type VelocityClass } from './types';

/** When a DEMAND_UPLIFT exception for one velocity class needs action (either condition suffices). */
export interface UpliftThreshold {
  /** Act when uplift >= this, as a fraction (`0.10` = 10%). */
  minUplift: Decimal;
  /** Act when the exception's severity is at least this. */
  minSeverity: Severity;
}

/** The numbers behind the procurement rules. */
export interface ProcurementPolicy {
  /**
   * DEMAND_UPLIFT thresholds per velocity class.
   * @default A: 10% or high, B: 20% or high, C: 35% or critical
   */
  upliftThresholds: Readonly<Record<VelocityClass, Readonly<UpliftThreshold>>>;
  /**
   * Monthly budget (USD) per ERP warehouse, for warehouses without their own figure.
   * @default 250000.00
   */
  monthlyBudgetPerWarehouse: Decimal;
  /**
   * Monthly budgets for particular warehouses (by ERP warehouse code), overriding the default.
   * @default {}
   */
  monthlyBudgetByWarehouse: Readonly<Record<string, Decimal>>;
  /**
   * Currencies a commitment may be posted in (ISO 4217).
   * @default ['USD']
   */
  supportedCurrencies: readonly string[];
  /**
   * A commitment whose total value is above this needs a person's approval (exactly this does not).
   * @default 25000.00
   */
  approvalLimit: Decimal;
  /**
   * Hours to wait for an approval before escalating.
   * @default 24
   */
  approvalTimeoutHours: number;
  /**
   * Hours the supplier has to acknowledge a posted purchase order.
   * @default 48
   */
  acknowledgementTimeoutHours: number;
}

/** What an environment may change; numbers may be given as decimal strings (e.g. from JSON config). */
export interface ProcurementPolicyOverrides {
  upliftThresholds?: Partial<
    Record<VelocityClass, Partial<{ minUplift: DecimalLike; minSeverity: Severity }>>
  >;
  monthlyBudgetPerWarehouse?: DecimalLike;
  monthlyBudgetByWarehouse?: Record<string, DecimalLike>;
  supportedCurrencies?: readonly string[];
  approvalLimit?: DecimalLike;
  approvalTimeoutHours?: number;
  acknowledgementTimeoutHours?: number;
}

/** The business rules' defaults. */
export const DEFAULT_PROCUREMENT_POLICY: ProcurementPolicy = freezePolicy({
  upliftThresholds: {
    A: { minUplift: Decimal.of('0.10'), minSeverity: 'high' },
    B: { minUplift: Decimal.of('0.20'), minSeverity: 'high' },
    C: { minUplift: Decimal.of('0.35'), minSeverity: 'critical' },
  },
  monthlyBudgetPerWarehouse: Decimal.of('250000.00'),
  monthlyBudgetByWarehouse: {},
  supportedCurrencies: ['USD'],
  approvalLimit: Decimal.of('25000.00'),
  approvalTimeoutHours: 24,
  acknowledgementTimeoutHours: 48,
});

function nonNegative(value: DecimalLike, what: string): Decimal {
  const d = Decimal.of(value);
  if (d.isNegative()) throw new RangeError(`${what} must not be negative, got ${d.toString()}`);
  return d;
}

function positiveHours(value: number, what: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${what} must be > 0 hours, got ${value}`);
  return value;
}

function freezePolicy(policy: ProcurementPolicy): ProcurementPolicy {
  for (const threshold of Object.values(policy.upliftThresholds)) Object.freeze(threshold);
  Object.freeze(policy.upliftThresholds);
  Object.freeze(policy.monthlyBudgetByWarehouse);
  Object.freeze(policy.supportedCurrencies);
  return Object.freeze(policy);
}

/**
 * The default policy with an environment's overrides applied and checked (RangeError on a negative
 * amount, an unknown severity, a currency that is not three capital letters, a non-positive timeout).
 */
export function defineProcurementPolicy(
  overrides: ProcurementPolicyOverrides = {},
  base: ProcurementPolicy = DEFAULT_PROCUREMENT_POLICY,
): ProcurementPolicy {
  const classes: VelocityClass[] = ['A', 'B', 'C'];
  const upliftThresholds = {} as Record<VelocityClass, UpliftThreshold>;
  for (const velocityClass of classes) {
    const given = overrides.upliftThresholds?.[velocityClass] ?? {};
    const current = base.upliftThresholds[velocityClass];
    const minSeverity = given.minSeverity ?? current.minSeverity;
    if (!SEVERITIES.includes(minSeverity)) {
      throw new RangeError(`unknown severity for class ${velocityClass}: ${String(minSeverity)}`);
    }
    upliftThresholds[velocityClass] = {
      minUplift:
        given.minUplift === undefined
          ? current.minUplift
          : nonNegative(given.minUplift, `uplift threshold of class ${velocityClass}`),
      minSeverity,
    };
  }
  const monthlyBudgetByWarehouse: Record<string, Decimal> = { ...base.monthlyBudgetByWarehouse };
  for (const [warehouse, budget] of Object.entries(overrides.monthlyBudgetByWarehouse ?? {})) {
    monthlyBudgetByWarehouse[warehouse] = nonNegative(budget, `monthly budget of ${warehouse}`);
  }
  const supportedCurrencies = [...(overrides.supportedCurrencies ?? base.supportedCurrencies)];
  for (const currency of supportedCurrencies) {
    if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`not an ISO 4217 currency code: ${currency}`);
  }
  return freezePolicy({
    upliftThresholds,
    monthlyBudgetPerWarehouse:
      overrides.monthlyBudgetPerWarehouse === undefined
        ? base.monthlyBudgetPerWarehouse
        : nonNegative(overrides.monthlyBudgetPerWarehouse, 'monthly budget per warehouse'),
    monthlyBudgetByWarehouse,
    supportedCurrencies,
    approvalLimit:
      overrides.approvalLimit === undefined
        ? base.approvalLimit
        : nonNegative(overrides.approvalLimit, 'approval limit'),
    approvalTimeoutHours: positiveHours(
      overrides.approvalTimeoutHours ?? base.approvalTimeoutHours,
      'approval timeout',
    ),
    acknowledgementTimeoutHours: positiveHours(
      overrides.acknowledgementTimeoutHours ?? base.acknowledgementTimeoutHours,
      'acknowledgement timeout',
    ),
  });
}

/** The monthly budget of one ERP warehouse under a policy. */
export function monthlyBudgetFor(
  warehouseCode: string,
  policy: ProcurementPolicy = DEFAULT_PROCUREMENT_POLICY,
): Decimal {
  return Object.hasOwn(policy.monthlyBudgetByWarehouse, warehouseCode)
    ? (policy.monthlyBudgetByWarehouse[warehouseCode] as Decimal)
    : policy.monthlyBudgetPerWarehouse;
}

/** Whether `severity` is at least `minimum` (low < medium < high < critical). */
export function severityAtLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
}
