/**
 * A purchase requisition through the same procurement workflows as a forecast exception: the real
 * ASL in the local Step Functions engine, the real steps, the procurement simulator, and the
 * requisition book on dynalite. Its path and references are recorded step by step; a cancellation
 * before the commitment stops the workflow cleanly, one after it changes nothing.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRequisitionBook } from '../../adapters/aws/requisitions';
import { mapPurchaseOrderAcknowledged } from '../../adapters/procurement/mapping';
import {
  cancelRequisition,
  requisitionCommitmentInput,
  submitRequisition,
  type Requisition,
} from '../../domain/requisition/requisition';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamodb/tables';
import type { ExecutionRecord } from '../../local/stepfunctions/engine';
import { purchaseOrderAcknowledgedDelivery } from '../fixtures/procurement';
import { startHarness, WORKFLOWS, type Harness } from '../support/commitment-harness';

let dynamo: LocalDynamo;
let book: DynamoDbRequisitionBook;
let harness: Harness;
let keys = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'requisition-workflow' });
  book = new DynamoDbRequisitionBook(
    DynamoDBDocumentClient.from(dynamo.client),
    dynamo.tableNames.workflowCorrelation,
  );
});
afterAll(async () => dynamo?.stop());
afterEach(async () => harness?.close());

const context = { tenantId: 'acme', now: () => new Date(), newId: () => crypto.randomUUID() };
const settings = { approvalTimeoutSeconds: 3600, acknowledgementTimeoutSeconds: 3600 };

/** Rita submits a requisition for sparkling water at the east DC. */
async function submit(quantityEa: string): Promise<Requisition> {
  const outcome = await submitRequisition(
    {
      itemCode: 'SKU-10442',
      site: 'DC-EAST-02',
      quantityEa,
      needBy: '2026-12-20',
      justification: 'Holiday promotion',
    },
    { idempotencyKey: `key-${++keys}`, requestedBy: 'rita.requester' },
    {
      book,
      now: () => new Date(),
      startCommitment: async (requisition) =>
        void harness.sfn.startExecution(
          harness.sfn.stateMachineArn(WORKFLOWS.commitment),
          requisitionCommitmentInput(requisition, settings),
        ),
    },
  );
  if (outcome.kind !== 'accepted') throw new Error(outcome.kind);
  return outcome.requisition;
}

const executions = (name: string): ExecutionRecord[] =>
  harness.sfn.listExecutions().filter((execution) => execution.stateMachineName === name);

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

/** An approval someone decided before the cancellation reached it: nothing to withdraw. */
const decidedAlready = { withdraw: async () => false };

const steps = async (id: string) => (await book.get(id))!.path.map((step) => step.step);

describe('a purchase requisition in the commitment workflow', () => {
  it('within the approval limit: sourced, checked, posted and acknowledged, each step and reference recorded', async () => {
    harness = await startHarness({ requisitions: book });
    const { requisitionId } = await submit('480');
    await until(() => executions(WORKFLOWS.commitment).length === 1);
    const commitment = executions(WORKFLOWS.commitment)[0]!;
    await commitment.done;
    expect(commitment.path.at(-1)).toBe('Purchase order posted');

    const [request] = harness.procurement.sourcingRequests();
    expect(request).toMatchObject({ item_code: 'SKU-10442', ship_to: 'DC-EAST-02', quantity: 480 });
    expect(request!.external_ref).toBe(`SL-${requisitionId}`);
    expect(request!.justification).toContain('rita.requester: Holiday promotion');
    const [po] = harness.procurement.purchaseOrders();
    const ordered = (await book.get(requisitionId))!;
    expect(ordered.status).toBe('ordered');
    expect(ordered.committedAt).toBeDefined();
    expect(await steps(requisitionId)).toEqual(['submission', 'sourcing', 'policy-check', 'erp-posting']);
    expect(ordered.references).toMatchObject({
      sourcingRequest: request!.id,
      procurementPurchaseOrder: po!.po_number,
      purchaseOrder: po!.external_ref,
    });
    expect(ordered.references.erpOrder).toMatch(/\S/);

    await harness.acknowledge(
      mapPurchaseOrderAcknowledged(
        purchaseOrderAcknowledgedDelivery({
          po_number: po!.po_number,
          lines: [{ line_no: 1, confirmed_qty: 480, confirmed_date: '2026-12-20' }],
        }),
        context,
      ),
    );
    const acknowledged = (await book.get(requisitionId))!;
    expect(acknowledged.status).toBe('acknowledged');
    expect(acknowledged.path.at(-1)).toMatchObject({
      step: 'supplier-acknowledgement',
      outcome: `full acknowledgement of ${po!.po_number}`,
    });
    expect(acknowledged.references.acknowledgement).toMatch(/^\d{4}-/);

    // Committed: the cancellation is refused and nothing changes, in the book or in procurement.
    const outcome = await cancelRequisition(requisitionId, 'rita.requester', {
      book,
      procurement: harness.ports.procurement,
      approvals: decidedAlready,
      now: () => new Date(),
    });
    expect(outcome.kind).toBe('refused');
    expect(await book.get(requisitionId)).toEqual(acknowledged);
    expect(harness.procurement.sourcingRequests()[0]!.status).toBe('awarded');
  });

  it('cancelled while awaiting approval: the approved commitment stops at posting, its request cancelled, nothing posted', async () => {
    harness = await startHarness({ requisitions: book });
    const { requisitionId } = await submit('10000');
    await until(() => harness.approvals.size === 1);
    await executions(WORKFLOWS.commitment)[0]!.done;
    expect((await book.get(requisitionId))!.status).toBe('awaiting-approval');

    const outcome = await cancelRequisition(requisitionId, 'rita.requester', {
      book,
      procurement: harness.ports.procurement,
      approvals: decidedAlready,
      now: () => new Date(),
    });
    expect(outcome).toMatchObject({ kind: 'cancelled', requisition: { status: 'cancelled' } });
    expect(harness.procurement.sourcingRequests()[0]!.status).toBe('cancelled');

    // The approver decides before the cancellation reached them: the commitment must not post.
    const [token] = [...harness.approvals.values()];
    harness.sfn.sendTaskSuccess(token!, {
      decision: 'approve',
      approver: 'dana',
      decidedAt: new Date().toISOString(),
    });
    await until(() => executions(WORKFLOWS.commitment).length === 2);
    const resumed = executions(WORKFLOWS.commitment)[1]!;
    await resumed.done;
    expect(resumed.path).toEqual([
      'Resuming after approval?',
      'Post purchase order',
      'Posting outcome',
      'Requisition cancelled',
    ]);
    expect(resumed.status).toBe('SUCCEEDED');
    expect(harness.procurement.purchaseOrders()).toEqual([]);
    expect(harness.erpCalls).not.toContain('postPurchaseOrder');
    const cancelled = (await book.get(requisitionId))!;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.committedAt).toBeUndefined();
    expect(cancelled.path.map((step) => [step.step, step.outcome])).toEqual([
      ['submission', 'submitted by rita.requester'],
      ['sourcing', `sourcing request ${cancelled.references.sourcingRequest} created`],
      ['policy-check', "passed; 31000.00 USD needs a person's approval"],
      ['cancellation', 'cancelled by rita.requester'],
      ['approval', 'approved by dana'],
    ]);
  });

  it('cancelled while awaiting approval: the approval is withdrawn and its workflow ends without a rejection or exception', async () => {
    harness = await startHarness({ requisitions: book });
    const { requisitionId } = await submit('10000');
    await until(() => harness.approvals.size === 1);
    await executions(WORKFLOWS.commitment)[0]!.done;
    const [approvalId] = [...harness.approvals.keys()];
    // As functions/workflow/approval-request.ts records it.
    await book.record(
      requisitionId,
      { step: 'approval', at: new Date().toISOString(), outcome: 'awaiting approval' },
      { references: { approval: approvalId! } },
    );
    const withdrawals: string[] = [];
    // As ApprovalStore.withdraw ends the workflow (adapters/aws/approvals.ts).
    const approvals = {
      withdraw: async (id: string, withdrawal: { by: string; at: string; reason: string }) => {
        withdrawals.push(id);
        harness.sfn.sendTaskSuccess(harness.approvals.get(id)!, {
          decision: 'withdraw',
          approver: withdrawal.by,
          reason: withdrawal.reason,
          decidedAt: withdrawal.at,
        });
        return true;
      },
    };
    const outcome = await cancelRequisition(requisitionId, 'rita.requester', {
      book,
      procurement: harness.ports.procurement,
      approvals,
      now: () => new Date(),
    });
    expect(outcome).toMatchObject({ kind: 'cancelled', requisition: { status: 'cancelled' } });
    expect(withdrawals).toEqual([approvalId]);

    const approval = executions(WORKFLOWS.approval)[0]!;
    await approval.done;
    expect(approval.status).toBe('SUCCEEDED');
    expect(approval.path.at(-1)).toBe('Withdrawn');
    expect(approval.path).not.toContain('Approval rejected');
    expect(approval.path).not.toContain('Escalate time-out');
    // Nothing resumed, posted or raised.
    expect(executions(WORKFLOWS.commitment)).toHaveLength(1);
    expect(harness.erpCalls).not.toContain('postPurchaseOrder');
    expect(harness.eventTypes().filter((type) => type.startsWith('integration-exception'))).toEqual([]);
    expect((await book.get(requisitionId))!.status).toBe('cancelled');
  });
});
