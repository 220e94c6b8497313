import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStore } from '../../../adapters/aws/approvals';
import type { ApprovalRequest } from '../../../canonical/generated/types';
import type { LocalDynamo } from '../../../local/dynamodb/tables';
import { apiEvent, expectJson, expectProblem, startApiEnvironment, type ApiHandler } from './support';

let dynamo: LocalDynamo;
let handler: ApiHandler;

/** Approvals waiting, by value and requester: what each caller may decide differs. */
const WAITING: [string, string, string][] = [
  ['APR-SMALL', '30000.00', 'system:supplyline'],
  ['APR-LARGE', '250000.00', 'system:supplyline'],
  ['APR-DANAS', '40000.00', 'dana'],
];

beforeAll(async () => {
  dynamo = await startApiEnvironment('pending-approvals-api');
  process.env.IDENTITY_ROLES = JSON.stringify({
    approver: { approvalLimitUsd: '100000.00' },
    'senior-approver': { approvalLimitUsd: null },
  });
  const store = new ApprovalStore(
    DynamoDBDocumentClient.from(dynamo.client),
    dynamo.tableNames.workflowCorrelation,
    async () => undefined,
  );
  for (const [index, [approvalId, totalValue, requestedBy]] of WAITING.entries()) {
    const request: ApprovalRequest = {
      approvalId,
      externalRef: `SL-PO-${approvalId}`,
      supplierNumber: 'S-100',
      site: 'DAL',
      totalValue,
      currency: 'USD',
      limit: '25000.00',
      // Soonest deadline first: the listing's order.
      expiresAt: new Date(Date.now() + (index + 1) * 3600_000).toISOString(),
      requestedBy,
    };
    await store.registerApproval({ commitmentKey: `KEY-${approvalId}`, taskToken: 't', request });
  }
  ({ handler } = await import('../../../functions/api/pending-approvals'));
});
afterAll(async () => dynamo.stop());

const list = (authorizer: Record<string, string> | undefined, query: Record<string, string> = {}) => {
  const event = apiEvent({ path: '/v1/approvals', query: { status: 'pending', ...query } });
  return handler({ ...event, requestContext: { ...event.requestContext, authorizer } });
};
const person = (subject: string, groups: string) => ({
  subject,
  issuer: 'https://idp.example.com',
  tokenId: 'jti',
  clientId: 'approvals-ui',
  scopes: 'supplyline/approvals.read',
  groups,
  callerKind: 'person',
});
const ids = (body: unknown) => (body as { items: ApprovalRequest[] }).items.map((item) => item.approvalId);

describe('GET /v1/approvals?status=pending', () => {
  it('lists only what the caller may decide: within their limit, not their own', async () => {
    expect(ids(expectJson(await list(person('dana', 'approver')), 200))).toEqual(['APR-SMALL']);
    expect(ids(expectJson(await list(person('eve', 'approver')), 200))).toEqual(['APR-SMALL', 'APR-DANAS']);
    expect(ids(expectJson(await list(person('sam', 'senior-approver')), 200))).toEqual([
      'APR-SMALL',
      'APR-LARGE',
      'APR-DANAS',
    ]);
    expect(ids(expectJson(await list(person('bo', 'buyers')), 200))).toEqual([]);
  });

  it('pages with a cursor until none is left', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = expectJson<{ items: ApprovalRequest[]; nextCursor?: string }>(
        await list(person('sam', 'senior-approver'), { limit: '1', ...(cursor ? { cursor } : {}) }),
        200,
      );
      seen.push(...ids(page));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['APR-SMALL', 'APR-LARGE', 'APR-DANAS']);
  });

  it('401 without a caller; 400 for another status, a bad limit or a cursor that is not ours', async () => {
    expectProblem(await list(undefined), 401, 'unauthenticated');
    expectProblem(await list(person('sam', 'senior-approver'), { status: 'decided' }), 400, 'invalid-query');
    expectProblem(await list(person('sam', 'senior-approver'), { limit: '0' }), 400, 'invalid-query');
    expectProblem(await list(person('sam', 'senior-approver'), { limit: 'ten' }), 400, 'invalid-query');
    expectProblem(await list(person('sam', 'senior-approver'), { cursor: '%%%' }), 400, 'invalid-query');
  });
});
