/**
 * The policy check of a commitment, shared by the purchase-commitment workflow (`Check ERP
 * policies`) and the process APIs (purchase-order validation, supplier eligibility): the facts are
 * looked up through the ports once, the same pure rules (domain/procurement/erp-policy.ts) judge
 * them. Nothing here writes: no ERP change, no budget reservation, no event.
 */
import type { PurchaseOrderProposal } from '../../canonical/generated/types';
import { BusinessRejection } from '../failures';
import { Decimal } from '../decimal';
import { approvalRequired } from '../procurement/approval';
import {
  commitmentValue,
  evaluateErpPolicies,
  evaluateSupplierEligibility,
  type ErpPolicyFacts,
  type PolicyCheckFacts,
  type PolicyCheckVerdict,
} from '../procurement/erp-policy';
import type { CommitmentPorts } from './types';

/** What the policy check reads: the two systems, the site cross-reference, the clock and the policy. */
export type PolicyLookupPorts = Pick<
  CommitmentPorts,
  'erps' | 'procurement' | 'warehouseForSite' | 'now' | 'policy'
>;

/** A purchase order as someone proposes it (quantities in eaches, money as decimal strings). */
export type ProposedOrder = PurchaseOrderProposal;

/** The facts of a proposed order, and the warehouse its site maps to (null: none). */
export interface PolicyLookup {
  facts: ErpPolicyFacts;
  warehouseCode: string | null;
}

/** The supplier, item and site facts (what eligibility needs), read in parallel. */
async function lookUpParties(
  order: Pick<ProposedOrder, 'itemCode' | 'site' | 'supplierNumber'>,
  ports: PolicyLookupPorts,
  warehouseCode: string | null,
) {
  // The instance holding the warehouse judges: what other instances hold does not count.
  const erp = ports.erps.forWarehouse(warehouseCode);
  const [item, warehouse, erpSupplier, supplier] = await Promise.all([
    erp.getItem(order.itemCode),
    warehouseCode ? erp.getWarehouse(warehouseCode) : Promise.resolve(null),
    erp.getSupplier(order.supplierNumber),
    ports.procurement.getSupplier(order.supplierNumber),
  ]);
  return {
    item: item
      ? {
          itemCode: item.itemCode,
          exists: true as const,
          variantActive: item.active,
          templateActive: item.active,
          purchasable: item.purchasable,
        }
      : { itemCode: order.itemCode, exists: false as const },
    site: order.site,
    warehouse: warehouseCode
      ? { code: warehouseCode, active: warehouse?.active ?? false, exists: warehouse !== null }
      : null,
    supplier: {
      supplierNumber: order.supplierNumber,
      // A supplier procurement does not know cannot receive orders: as good as blocked.
      procurementStatus: supplier?.status ?? ('blocked' as const),
      knownToErp: erpSupplier !== null && erpSupplier.active,
    },
  };
}

/** What the warehouse committed this month; null when the ERP has no such warehouse. */
async function committedThisMonth(
  ports: PolicyLookupPorts,
  warehouseCode: string,
  month: string,
): Promise<string | null> {
  try {
    return await ports.erps.forWarehouse(warehouseCode).committedValue(warehouseCode, month);
  } catch (error) {
    // An unknown warehouse is the warehouse check's verdict, not a failure of the lookup.
    if (error instanceof BusinessRejection && error.code === 'WAREHOUSE_UNKNOWN') return null;
    throw error;
  }
}

/** Looks up every fact the ERP policy checks need for `order`, purchased today (UTC). Reads only. */
export async function lookUpPolicyFacts(
  order: ProposedOrder,
  ports: PolicyLookupPorts,
): Promise<PolicyLookup> {
  const warehouseCode = ports.warehouseForSite(order.site) ?? null;
  const purchaseDate = ports.now().toISOString().slice(0, 10);
  const [parties, committed] = await Promise.all([
    lookUpParties(order, ports, warehouseCode),
    warehouseCode ? committedThisMonth(ports, warehouseCode, purchaseDate.slice(0, 7)) : Promise.resolve('0'),
  ]);
  // The warehouse vanished between the two reads: no verdict can rest on that.
  if (committed === null && parties.warehouse?.exists)
    throw new BusinessRejection('WAREHOUSE_UNKNOWN', `warehouse ${warehouseCode} is not in the ERP`, 'erp', {
      warehouseCode,
    });
  return {
    warehouseCode,
    facts: {
      ...parties,
      currency: order.currency,
      quantityEa: order.quantityEa,
      unitPrice: order.unitPrice,
      purchaseDate,
      budget: committed === null ? null : { committedThisMonth: committed },
    },
  };
}

/** A check of a proposed order: an ERP policy check, or whether a person must approve it. */
export type OrderCheckVerdict =
  PolicyCheckVerdict | { check: 'approval'; verdict: 'pass' | 'approval-required'; facts: PolicyCheckFacts };

/** What the workflow would do with a proposed order, and why. */
export interface OrderValidation {
  /** `rejected`: a check failed; `approval-required`: a person must approve; `accepted`: it would be posted. */
  outcome: 'accepted' | 'approval-required' | 'rejected';
  /** quantity × unit price, to the cent (half up). */
  totalValue: string;
  currency: string;
  /** The site's ERP warehouse; null when the site maps to none. */
  warehouseCode: string | null;
  /** Every check in the rules' order, then the approval. */
  checks: OrderCheckVerdict[];
}

/** Judges looked-up facts: every ERP policy check, then the approval need. Pure. */
export function evaluateProposedOrder(
  lookup: PolicyLookup,
  policy: PolicyLookupPorts['policy'],
): OrderValidation {
  const { facts } = lookup;
  const verdicts = evaluateErpPolicies(facts, policy);
  const total = commitmentValue(facts.quantityEa, facts.unitPrice);
  const needsApproval = approvalRequired(total, policy.approvalLimit);
  const approval: OrderCheckVerdict = {
    check: 'approval',
    verdict: needsApproval ? 'approval-required' : 'pass',
    facts: {
      totalValue: total.toString(),
      approvalLimit: Decimal.of(policy.approvalLimit).toString(),
      currency: facts.currency,
    },
  };
  const rejected = verdicts.some((v) => v.verdict === 'fail');
  return {
    outcome: rejected ? 'rejected' : needsApproval ? 'approval-required' : 'accepted',
    totalValue: total.toMoneyString('half-up'),
    currency: facts.currency,
    warehouseCode: lookup.warehouseCode,
    checks: [...verdicts, approval],
  };
}

/** Validates a proposed purchase order with the workflow's own checks, changing nothing anywhere. */
export async function validateProposedOrder(
  order: ProposedOrder,
  ports: PolicyLookupPorts,
): Promise<OrderValidation> {
  return evaluateProposedOrder(await lookUpPolicyFacts(order, ports), ports.policy);
}

/** Whether a supplier may receive an order for an item at a site, and each check behind it. */
export interface SupplierEligibility {
  supplierNumber: string;
  itemCode: string;
  site: string;
  eligible: boolean;
  checks: PolicyCheckVerdict[];
}

/** The item, site and supplier checks of the policy for one supplier, item and site. Reads only. */
export async function supplierEligibility(
  query: Pick<ProposedOrder, 'supplierNumber' | 'itemCode' | 'site'>,
  ports: PolicyLookupPorts,
): Promise<SupplierEligibility> {
  const parties = await lookUpParties(query, ports, ports.warehouseForSite(query.site) ?? null);
  const checks = evaluateSupplierEligibility(parties);
  return { ...query, eligible: checks.every((c) => c.verdict === 'pass'), checks };
}
