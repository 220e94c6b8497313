/**
 * POST /v1/purchase-order-validations: a proposed purchase order (item, site, supplier, quantity,
 * price, currency) checked with the commitment workflow's own policy checks
 * (domain/commitment/policy-check.ts), answered with every check's verdict and the facts it used.
 * It reads the ERP and procurement only: no ERP write, no budget reservation, no event.
 */
import { json } from '../../adapters/webhooks/problem';
import type { PurchaseOrderValidation } from '../../canonical/generated/types';
import { validatePurchaseOrderProposal } from '../../canonical/generated/validators';
import { validateProposedOrder } from '../../domain/commitment/policy-check';
import { apiHandler, jsonBody, validationProblem } from './http';
import { policyLookupPorts, toPolicyCheck } from './policy-checks';

export const handler = apiHandler('purchase-order-validation', async (request) => {
  const body = jsonBody(request);
  if (!body.ok) return body.response;
  const proposal = validatePurchaseOrderProposal(body.value);
  if (!proposal.ok)
    return validationProblem(request, 'The proposed order is not acceptable.', proposal.errors);
  const validation = await validateProposedOrder(proposal.value, policyLookupPorts());
  const answer: PurchaseOrderValidation = { ...validation, checks: validation.checks.map(toPolicyCheck) };
  return json(200, answer);
});
