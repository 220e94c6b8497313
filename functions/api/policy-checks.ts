/**
 * What the process API handlers share: the ports of the policy lookup (the commitment workflow's,
 * functions/commons/commitment-ports.ts: the ERP and procurement behind the shared breaker, the
 * site cross-reference and the policy) and the canonical form of a check's verdict.
 */
import type { PolicyCheck, PolicyCheckFacts as CanonicalFacts } from '../../canonical/generated/types';
import { supplierStatus, toCanonical } from '../../canonical/codes/tables';
import type { OrderCheckVerdict, PolicyLookupPorts } from '../../domain/commitment/policy-check';
import { commitmentPorts } from '../commons/commitment-ports';

/** The ports of the policy lookup in this execution environment (each built on first use). */
export const policyLookupPorts: () => PolicyLookupPorts = commitmentPorts;

/** A domain verdict as the API publishes it: procurement's supplier status as the canonical code. */
export function toPolicyCheck(verdict: OrderCheckVerdict): PolicyCheck {
  const { procurementStatus, ...facts } = verdict.facts;
  const canonicalFacts: CanonicalFacts = {
    ...facts,
    ...(procurementStatus === undefined
      ? {}
      : { procurementStatus: toCanonical(supplierStatus, 'procurement', procurementStatus) }),
  };
  const check: PolicyCheck = { check: verdict.check, verdict: verdict.verdict, facts: canonicalFacts };
  if (verdict.verdict === 'fail') {
    const { code, message, system } = verdict.violation;
    return { ...check, code, message, system };
  }
  if (verdict.verdict === 'not-evaluated') return { ...check, reason: verdict.reason };
  return check;
}
