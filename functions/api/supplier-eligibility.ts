/**
 * GET /v1/suppliers/{supplierNumber}/eligibility?itemCode=&site=: whether the supplier may receive
 * an order for the item at the site, by the item, warehouse and supplier checks of the commitment
 * workflow's policy (domain/commitment/policy-check.ts), each with the facts it used. Reads only.
 */
import { json, problem } from '../../adapters/webhooks/problem';
import type { SupplierEligibility } from '../../canonical/generated/types';
import { validateSupplierEligibilityRequest } from '../../canonical/generated/validators';
import { supplierEligibility } from '../../domain/commitment/policy-check';
import { apiHandler, pathParameter } from './http';
import { policyLookupPorts, toPolicyCheck } from './policy-checks';

export const handler = apiHandler('supplier-eligibility', async (request) => {
  const { instance, event } = request;
  const { itemCode, site } = event.queryStringParameters ?? {};
  const given = { supplierNumber: pathParameter(event, 'supplierNumber'), itemCode, site };
  // Other query parameters are ignored; absent ones are left out so the schema names them missing.
  const query = validateSupplierEligibilityRequest(
    Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
  );
  if (!query.ok)
    return problem(
      400,
      'invalid-parameter',
      'The path must name a supplier, the query an itemCode and a site.',
      {
        instance,
        errors: query.errors.map((error) => ({ pointer: error.pointer, detail: error.message })),
      },
    );
  const eligibility = await supplierEligibility(query.value, policyLookupPorts());
  const answer: SupplierEligibility = { ...eligibility, checks: eligibility.checks.map(toPolicyCheck) };
  return json(200, answer);
});
