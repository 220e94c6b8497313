/**
 * The answers and parameters of the governed API's operator and approval routes (approvals, the
 * approval audit trail, purchase-order sync status, integration exceptions), so each route's whole
 * contract is declared (application/api-routes.ts `contract`) and its OpenAPI operation generated.
 */
import { EXCEPTION_AGE_BUCKETS } from '../codes/exception-aging';
import { array, dateTime, enumOf, identifier, integer, object, ref, string, type Schema } from './dsl';
import { objectSchemas } from './objects';

const cursor = (description: string) => string({ description, maxLength: 2048 });
const limit = (maximum: number) =>
  integer({ minimum: 1, maximum, description: `Largest number of items on the page (1..${maximum})` });

/** A page of `item` with the cursor of the next page (absent on the last), under the cursor's name. */
const page = (item: string, next: string, description: string) =>
  object(
    { items: array(ref(item), { maxItems: 1000 }), [next]: cursor('Where the next page starts') },
    { description, optional: [next] },
  );

/** Parameters of a route: every one optional but the path's. */
const parameters = (properties: Record<string, Schema>, required: string[], description: string) =>
  object(properties, { description, optional: Object.keys(properties).filter((n) => !required.includes(n)) });

const pathId = (description: string) => identifier(description, 200);
const { ApprovalRequest, IntegrationException } = objectSchemas;

export const governedApiSchemas = {
  ApiDocument: {
    type: 'object',
    description: 'The OpenAPI 3.1 document of the Supplyline HTTP APIs',
    properties: {
      openapi: string({ description: 'OpenAPI version', pattern: '^3\\.1\\.[0-9]+$' }),
      info: { type: 'object', description: 'Title, version, description' },
      paths: { type: 'object', description: 'The operations, by path and method' },
      components: { type: 'object', description: 'Schemas and security schemes' },
    },
    required: ['openapi', 'info', 'paths', 'components'],
  },
  ApprovalOutcome: {
    ...ApprovalRequest,
    description: 'The approval with the decision recorded on it',
    properties: { ...ApprovalRequest.properties, decision: ref('ApprovalDecisionRecord') },
    required: [...(ApprovalRequest.required ?? []), 'decision'],
  },
  ApprovalRequestPage: page(
    'ApprovalRequest',
    'nextCursor',
    'Approvals the caller may decide; a page may hold fewer than limit: follow nextCursor',
  ),
  ApprovalDecisionRecordPage: page('ApprovalDecisionRecord', 'nextCursor', 'Decisions, oldest first'),
  AgedIntegrationException: {
    ...IntegrationException,
    description: 'An integration exception with its age, as the work list shows it',
    properties: {
      ...IntegrationException.properties,
      ageSeconds: integer({
        minimum: 0,
        description: 'Whole seconds it was open: until now while OPEN, until its resolution once RESOLVED',
      }),
      ageBucket: enumOf(
        EXCEPTION_AGE_BUCKETS,
        'Its age bucket: which of the contract’s escalation limits (4 h critical, 24 h) it has passed',
      ),
      escalatedAt: dateTime('When it was escalated for passing its limit (absent until then)'),
    },
    required: [...(IntegrationException.required ?? []), 'ageSeconds', 'ageBucket'],
  },
  IntegrationExceptionPage: page(
    'AgedIntegrationException',
    'nextToken',
    'Integration exceptions, open ones first',
  ),
  ApprovalDecisionParameters: parameters(
    { approvalId: pathId('Approval id from purchase-order.approval-requested') },
    ['approvalId'],
    'The approval decided',
  ),
  PendingApprovalsParameters: parameters(
    {
      status: enumOf(['pending'], 'Only pending approvals are listed (decided ones are on the audit trail)'),
      limit: limit(100),
      cursor: cursor('nextCursor of the previous page'),
    },
    [],
    'Which page of pending approvals',
  ),
  ApprovalAuditParameters: parameters(
    {
      commitmentId: pathId('The commitment (its purchase order external reference)'),
      limit: limit(100),
      cursor: cursor('nextCursor of the previous page'),
    },
    ['commitmentId'],
    'Which commitment, which page',
  ),
  PurchaseOrderSyncParameters: parameters(
    { poId: pathId('External reference or procurement PO number') },
    ['poId'],
    'The purchase order',
  ),
  IntegrationExceptionsParameters: parameters(
    {
      status: enumOf(['OPEN', 'RESOLVED'], 'Only exceptions with this status'),
      limit: limit(1000),
      nextToken: cursor('nextToken of the previous page'),
    },
    [],
    'Which exceptions, which page',
  ),
  IntegrationExceptionResolveParameters: parameters(
    { id: pathId('Integration exception id') },
    ['id'],
    'The integration exception resolved',
  ),
} satisfies Record<string, Schema>;
