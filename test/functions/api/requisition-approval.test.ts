/**
 * A requisition's approval names its requester, so the approval decision refuses them
 * (separation of duties) with a problem+json 403 while the commitment keeps waiting; another
 * approver's decision resumes it. The real `Wait for approval` task and approval-decision handler,
 * the approvals on dynalite, AWS mocked at the SDK boundary (Step Functions, S3, the bus).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStore } from '../../../adapters/aws/approvals';
import { DynamoDbRequisitionBook } from '../../../adapters/aws/requisitions';
import { ENVIRONMENTS } from '../../../application/environments';
import { BUSINESS_RULES_ENV_VAR } from '../../../application/resources';
import { requisitionCommitmentInput, submitRequisition } from '../../../domain/requisition/requisition';
import type { LocalDynamo } from '../../../local/dynamodb/tables';
import { expectDocumentedAnswer } from '../../support/openapi';
import {
  apiEvent,
  expectJson,
  expectProblem,
  personContext,
  startApiEnvironment,
  type ApiHandler,
} from './support';

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const eventBridge = mockClient(EventBridgeClient);
let dynamo: LocalDynamo;
let decide: ApiHandler;
let waitForApproval: (input: unknown) => Promise<unknown>;

beforeAll(async () => {
  dynamo = await startApiEnvironment('requisition-approval');
  Object.assign(process.env, {
    [BUSINESS_RULES_ENV_VAR]: JSON.stringify(ENVIRONMENTS.dev.business),
    APPROVAL_AUDIT_BUCKET_NAME: 'approval-audit',
    IDENTITY_ROLES: JSON.stringify({ approver: { approvalLimitUsd: '100000.00' } }),
  });
  sfn.on(SendTaskSuccessCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  eventBridge
    .on(PutEventsCommand)
    .callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));
  ({ handler: decide } = await import('../../../functions/api/approval-decision'));
  ({ handler: waitForApproval } = (await import('../../../functions/workflow/approval-request')) as {
    handler: (input: unknown) => Promise<unknown>;
  });
});
afterAll(async () => dynamo?.stop());

/** A person with the approver role. */
const person = (subject: string) =>
  personContext(subject, 'approver', 'supplyline/approvals.decide supplyline/requisitions.submit');

describe('the approval of a purchase requisition', () => {
  it('refuses the requester with 403 separation-of-duties, changing nothing; another approver decides', async () => {
    const documents = DynamoDBDocumentClient.from(dynamo.client);
    const table = dynamo.tableNames.workflowCorrelation;
    const book = new DynamoDbRequisitionBook(documents, table);
    const submitted = await submitRequisition(
      {
        itemCode: 'SKU-10442',
        site: 'DC-EAST-02',
        quantityEa: '10000',
        needBy: '2026-12-20',
        justification: 'Holiday promotion',
      },
      { idempotencyKey: 'ava-1', requestedBy: 'ava.approver' },
      { book, now: () => new Date(), startCommitment: async () => undefined },
    );
    if (submitted.kind !== 'accepted') throw new Error(submitted.kind);
    const { requisitionId } = submitted.requisition;
    const state = requisitionCommitmentInput(submitted.requisition, {
      approvalTimeoutSeconds: 3600,
      acknowledgementTimeoutSeconds: 3600,
    });
    // The payload commitment-approval's `Wait for approval` sends.
    await waitForApproval({
      taskToken: 'token-1',
      approvalId: 'APR-SR-000001-v1',
      exception: state.exception,
      event: state.event,
      settings: state.settings,
      policy: {
        ok: true,
        approvalRequired: true,
        approvalId: 'APR-SR-000001-v1',
        warehouseCode: 'WH-EAST',
        totalValue: '31000.00',
        currency: 'USD',
      },
      sourcing: {
        applied: 'created',
        requestId: 'SR-000001',
        createdAt: '2026-12-05T06:00:00Z',
        quantityEa: '10000',
        needBy: '2026-12-20',
        supplierNumber: 'S-1001',
        unitPrice: '3.10',
        currency: 'USD',
      },
    });
    const approvals = new ApprovalStore(documents, table, async () => undefined);
    const waiting = async () => (await approvals.pending({ now: new Date(), limit: 10 })).approvals;
    const [pending] = await waiting();
    expect(pending).toMatchObject({ requestedBy: 'ava.approver', totalValue: '31000.00' });
    const approval = (await book.get(requisitionId))!;
    expect(approval.references.approval).toBe(pending!.approvalId);
    expect(approval.path.at(-1)).toMatchObject({ step: 'approval' });

    const decideAs = (subject: string) => {
      const event = apiEvent({
        method: 'POST',
        path: `/v1/approvals/${pending!.approvalId}/decision`,
        pathParameters: { approvalId: pending!.approvalId },
        body: { decision: 'approve', reason: 'needed for the promotion' },
      });
      return decide({ ...event, requestContext: { ...event.requestContext, authorizer: person(subject) } });
    };
    const own = await decideAs('ava.approver');
    expectProblem(own, 403, 'separation-of-duties');
    expectDocumentedAnswer('POST', '/v1/approvals/{approvalId}/decision', {
      status: own.statusCode,
      contentType: String(own.headers?.['content-type']),
      body: JSON.parse(own.body) as unknown,
    });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(await waiting()).toHaveLength(1);

    expectJson(await decideAs('dana.approver'), 200);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });
});
