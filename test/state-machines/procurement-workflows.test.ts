import { afterEach, describe, expect, it } from 'vitest';
import type { PlanningForecastException } from '../../adapters/planning/generated/types';
import { mapPurchaseOrderAcknowledged } from '../../adapters/procurement/mapping';
import type { IntegrationExceptionRaisedV1, PurchaseOrderPostedV1 } from '../../canonical/generated/types';
import type { ExecutionRecord } from '../../local/stepfunctions/engine';
import { sourcingRef } from '../../domain/commitment/steps';
import { CircuitOpenError } from '../../adapters/resilience/circuit-breaker';
import { TransientFailure } from '../../domain/failures';
import { startHarness, WORKFLOWS, type Harness } from '../support/commitment-harness';
import { uplift } from '../support/business-units';
import { erpReferenceOf } from '../support/purchase-order-reference';
import { purchaseOrderAcknowledgedDelivery } from '../fixtures/procurement';

let harness: Harness;
afterEach(async () => harness?.close());

let sequence = 0;
const context = {
  tenantId: 'acme',
  now: () => new Date(),
  newId: () => `10000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
};

/** A canonical forecast exception; by default an A-class uplift of 40% on SKU-10442 at DC-EAST-02 (EA). */
function exception(
  overrides: Partial<PlanningForecastException['exception']> = {},
  plan: Partial<PlanningForecastException['plan']> = {},
) {
  return uplift(context, { exception_id: `EXC-${++sequence}`, ...overrides }, plan);
}

/** Waits until at least one execution of each named state machine exists and all of them have finished. */
async function finished(...names: string[]): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const list = harness.sfn
      .listExecutions()
      .filter((execution) => names.includes(execution.stateMachineName));
    const started = names.every((name) => list.some((execution) => execution.stateMachineName === name));
    if (started && list.every((execution) => execution.status !== 'RUNNING')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`executions of ${names.join(', ')} did not finish`);
}

function executions(name: string): ExecutionRecord[] {
  return harness.sfn.listExecutions().filter((execution) => execution.stateMachineName === name);
}

function only(name: string): ExecutionRecord {
  const list = executions(name);
  expect(list).toHaveLength(1);
  return list[0]!;
}

function procurementCalls(): string[] {
  return harness.procurement.requests
    .filter((request) => !request.path.startsWith('/oauth2'))
    .map(
      (request) =>
        `${request.method} ${request.path.replace(/SR-\d+/, 'SR-*').replace(/\?.*$/, '')} ${request.status}`,
    );
}

function raised(): IntegrationExceptionRaisedV1['data'][] {
  return harness.events
    .filter(
      (event): event is IntegrationExceptionRaisedV1 => event.eventType === 'integration-exception.raised',
    )
    .map((event) => event.data);
}

const POSTED_PATH = [
  'Resuming after approval?',
  'Source the need',
  'Sourcing outcome',
  'Check ERP policies',
  'Policy verdict',
  'Post purchase order',
  'Posting outcome',
  'Hand over to acknowledgement',
  'Purchase order posted',
];

describe('forecast exception evaluation (queue consumer, not a workflow)', () => {
  it('below threshold: records the exception without calling any system, and starts no workflow', async () => {
    harness = await startHarness();
    const result = await harness.evaluate(exception({ forecast_qty: 1050, severity: 'medium' }));
    expect(result.outcome).toBe('NO_ACTION');
    expect(harness.sfn.listExecutions()).toEqual([]);
    expect(procurementCalls()).toEqual([]);
    expect(harness.erpCalls).toEqual([]);
    expect(harness.events).toEqual([]);
  });

  it('inventory risk with no need left: looks at supply, then records it', async () => {
    harness = await startHarness();
    const result = await harness.evaluate(
      exception({ kind: 'INVENTORY_RISK', forecast_qty: 100, projected_on_hand: 500, safety_stock: 0 }),
    );
    expect(result.outcome).toBe('NO_ACTION');
    expect(procurementCalls()).toEqual(['GET /api/v2/sourcing-requests 200']);
  });
});

describe('purchase-commitment workflow', () => {
  it('create: sources the need, passes the ERP policies, posts the PO and waits for the supplier', async () => {
    harness = await startHarness();
    const result = await harness.evaluate(exception());
    // need = 1400 + 100 - 200 - 0 = 1300 -> 1308 (109 cases of 12)
    expect(result).toEqual({
      outcome: 'CREATE',
      action: { kind: 'create', quantityEa: '1308', needBy: '2026-12-07' },
    });
    await finished(WORKFLOWS.commitment);
    const commitment = only(WORKFLOWS.commitment);
    await commitment.done;
    expect(commitment.status).toBe('SUCCEEDED');
    expect(commitment.path).toEqual(POSTED_PATH);
    expect(procurementCalls()).toEqual([
      'GET /api/v2/sourcing-requests 200',
      'POST /api/v2/sourcing-requests 201',
      'GET /api/v2/suppliers/S-1001 200',
      'POST /api/v2/purchase-orders 201',
    ]);
    expect(harness.erpCalls).toEqual(
      expect.arrayContaining([
        'getItem',
        'getWarehouse',
        'getSupplier',
        'committedValue',
        'postPurchaseOrder',
      ]),
    );
    const erpOrder = await harness.erp.findPurchaseOrder(
      erpReferenceOf(harness.procurement.sourcingRequests()[0]!),
    );
    expect(erpOrder).toMatchObject({
      state: 'processing',
      warehouseCode: 'WH-EAST',
      supplierNumber: 'S-1001',
    });
    expect(erpOrder!.lines[0]).toMatchObject({
      itemCode: 'SKU-10442',
      quantityEa: '1308',
      unitPrice: '3.10',
    });
    expect(harness.eventTypes()).toEqual([
      'forecast-exception.evaluated',
      'sourcing-request.created',
      'purchase-order.posted',
    ]);
    const posted = harness.events[2] as PurchaseOrderPostedV1;
    expect(posted.data).toMatchObject({
      totalValue: '4054.80',
      erpNumber: erpOrder!.number,
      status: 'ISSUED',
    });
    expect(posted.correlationId).toBe(harness.events[0]!.correlationId);
    const ack = only(WORKFLOWS.acknowledgement);
    expect(ack.status).toBe('RUNNING');
    expect(ack.path).toEqual(['Wait for supplier acknowledgement']);
  });

  it('amend existing: a newer plan version amends the open request instead of creating a second one', async () => {
    harness = await startHarness();
    // The open request for the same item, site and bucket is not awarded: its PO posting is stopped by approval.
    await harness.ports.procurement.createSourcingRequest(
      {
        externalRef: 'manual-1',
        itemCode: 'SKU-10442',
        site: 'DC-EAST-02',
        quantityEa: '600',
        needBy: '2026-12-07',
      },
      { idempotencyKey: 'manual-1' },
    );
    const result = await harness.evaluate(exception());
    // The open request is left out of the supply: the need is the same 1308.
    expect(result.action).toMatchObject({ kind: 'amend', fromQuantityEa: '600', toQuantityEa: '1308' });
    await finished(WORKFLOWS.commitment);
    const commitment = only(WORKFLOWS.commitment);
    await commitment.done;
    expect(commitment.path).toEqual(POSTED_PATH);
    expect(harness.procurement.sourcingRequests()).toHaveLength(1);
    expect(procurementCalls()).toContain('PATCH /api/v2/sourcing-requests/SR-* 200');
    expect(harness.eventTypes()).toContain('sourcing-request.amended');
  });

  it('demand drop: cancels the open request when nothing is left to order, and posts nothing', async () => {
    harness = await startHarness();
    await harness.ports.procurement.createSourcingRequest(
      {
        externalRef: 'manual-2',
        itemCode: 'SKU-10442',
        site: 'DC-EAST-02',
        quantityEa: '600',
        needBy: '2026-12-07',
      },
      { idempotencyKey: 'manual-2' },
    );
    const result = await harness.evaluate(
      exception({ kind: 'DEMAND_DROP', forecast_qty: 100, projected_on_hand: 500 }),
    );
    expect(result.outcome).toBe('CANCEL');
    await finished(WORKFLOWS.commitment);
    const commitment = only(WORKFLOWS.commitment);
    await commitment.done;
    expect(commitment.path).toEqual([
      'Resuming after approval?',
      'Source the need',
      'Sourcing outcome',
      'Sourcing request cancelled',
    ]);
    expect(harness.procurement.sourcingRequests()[0]!.status).toBe('cancelled');
    expect(harness.procurement.purchaseOrders()).toEqual([]);
    expect(harness.eventTypes()).toEqual(['forecast-exception.evaluated', 'sourcing-request.cancelled']);
  });

  it('demand drop without an open request: recorded only', async () => {
    harness = await startHarness();
    expect((await harness.evaluate(exception({ kind: 'DEMAND_DROP', forecast_qty: 100 }))).outcome).toBe(
      'NO_ACTION',
    );
    expect(harness.sfn.listExecutions()).toEqual([]);
  });

  const violations: {
    name: string;
    overrides: Partial<PlanningForecastException['exception']>;
    code: string;
  }[] = [
    { name: 'inactive item', overrides: { sku: 'SKU-20991' }, code: 'ITEM_INACTIVE' },
    { name: 'item not purchasable', overrides: { sku: 'SKU-30001' }, code: 'ITEM_NOT_PURCHASABLE' },
    {
      name: 'site mapped to an inactive warehouse',
      overrides: { site: 'DC-NORTH-01' },
      code: 'WAREHOUSE_INACTIVE',
    },
    { name: 'site mapped to no ERP warehouse', overrides: { site: 'DC-UNMAPPED-09' }, code: 'SITE_UNMAPPED' },
    {
      name: 'supplier blocked in procurement',
      overrides: { sku: 'SKU-40001' },
      code: 'SUPPLIER_NOT_APPROVED',
    },
    { name: 'supplier unknown to the ERP', overrides: { sku: 'SKU-40002' }, code: 'SUPPLIER_UNKNOWN_TO_ERP' },
    { name: 'monthly budget exceeded', overrides: { forecast_qty: 90_000 }, code: 'BUDGET_EXCEEDED' },
  ];
  for (const { name, overrides, code } of violations) {
    it(`ERP policy violation, ${name}: compensates the sourcing request and raises ${code}, posts nothing`, async () => {
      harness = await startHarness();
      await harness.evaluate(exception(overrides));
      await harness.sfn.settle().catch(() => undefined);
      const commitment = only(WORKFLOWS.commitment);
      await commitment.done;
      expect(commitment.status).toBe('FAILED');
      expect(commitment.error).toBe('BusinessRejection');
      expect(commitment.path).toEqual([
        'Resuming after approval?',
        'Source the need',
        'Sourcing outcome',
        'Check ERP policies',
        'Policy verdict',
        'Reject and compensate',
        'Rejected',
      ]);
      expect(commitment.retries).toEqual({});
      expect(harness.procurement.sourcingRequests().map((request) => request.status)).toEqual(['cancelled']);
      expect(harness.procurement.purchaseOrders()).toEqual([]);
      expect(harness.erpCalls).not.toContain('postPurchaseOrder');
      expect(raised()).toEqual([
        expect.objectContaining({
          category: 'BUSINESS',
          code,
          status: 'OPEN',
          objectType: 'ForecastException',
        }),
      ]);
      expect(harness.eventTypes()).toEqual([
        'forecast-exception.evaluated',
        'sourcing-request.created',
        'integration-exception.raised',
        'sourcing-request.cancelled',
      ]);
    });
  }

  it('resume: a commitment that stopped after sourcing is resumed when the exception comes again', async () => {
    harness = await startHarness();
    const event = exception();
    // The first commitment created its request, then died (e.g. its execution was lost).
    await harness.ports.procurement.createSourcingRequest(
      {
        externalRef: sourcingRef(event.data),
        itemCode: 'SKU-10442',
        site: 'DC-EAST-02',
        quantityEa: '1308',
        needBy: event.data.bucket.start,
      },
      { idempotencyKey: 'first-commitment-attempt' },
    );
    expect(await harness.evaluate(event)).toMatchObject({
      outcome: 'CREATE',
      action: { quantityEa: '1308' },
    });
    await finished(WORKFLOWS.commitment);
    expect(only(WORKFLOWS.commitment).path).toEqual(POSTED_PATH);
    expect(harness.procurement.sourcingRequests()).toHaveLength(1);
    expect(harness.procurement.purchaseOrders()).toHaveLength(1);
  });

  it('compensation that cannot be done now still raises the exception, saying what is left to undo', async () => {
    harness = await startHarness();
    await harness.evaluate(exception({ sku: 'SKU-40001' }));
    // Procurement goes down between the policy check and the compensation.
    const original = harness.ports.procurement.cancelSourcingRequest.bind(harness.ports.procurement);
    harness.ports.procurement.cancelSourcingRequest = async () => {
      throw new TransientFailure('procurement unavailable', 'procurement');
    };
    await finished(WORKFLOWS.commitment);
    harness.ports.procurement.cancelSourcingRequest = original;
    const commitment = only(WORKFLOWS.commitment);
    expect(commitment.path.slice(-2)).toEqual(['Reject and compensate', 'Rejected']);
    expect(raised()).toEqual([
      expect.objectContaining({
        code: 'SUPPLIER_NOT_APPROVED',
        message: expect.stringContaining('could not be done now'),
      }),
    ]);
    expect(harness.procurement.sourcingRequests()[0]!.status).toBe('open');
  });

  it('procurement failing transiently, then succeeding: the step is retried and the PO is posted', async () => {
    harness = await startHarness();
    harness.procurement.setFaults({ outage: true });
    const evaluation = exception();
    // The evaluation reads procurement too: let that read through, then fail the workflow's first attempts.
    harness.procurement.setFaults({ outage: false });
    await harness.evaluate(evaluation).then(() => harness.procurement.setFaults({ outage: true }));
    setTimeout(() => harness.procurement.setFaults({ outage: false }), 15);
    await finished(WORKFLOWS.commitment);
    const commitment = only(WORKFLOWS.commitment);
    await commitment.done;
    expect(commitment.status).toBe('SUCCEEDED');
    expect(commitment.path).toEqual(POSTED_PATH);
    expect(commitment.retries['Source the need']).toBeGreaterThanOrEqual(1);
    expect(harness.procurement.sourcingRequests()).toHaveLength(1);
    expect(harness.procurement.purchaseOrders()).toHaveLength(1);
  });

  it('refused by an open breaker at every step: waits the remaining open time, then completes; no exception', async () => {
    harness = await startHarness();
    const procurement = harness.ports.procurement;
    const erp = harness.erp;
    // Each step meets an open breaker twice (1 s left of its cool-down), more than any Retry would allow before.
    const refuseTwice = <T extends object, K extends keyof T>(port: T, method: K, endpoint: string) => {
      const real = port[method] as (...args: unknown[]) => Promise<unknown>;
      let refusals = 0;
      port[method] = (async (...args: unknown[]) => {
        if (++refusals <= 2) throw new CircuitOpenError(endpoint, 1);
        return real.apply(port, args);
      }) as T[K];
    };
    await harness.evaluate(exception());
    refuseTwice(procurement, 'createSourcingRequest', 'procurement');
    refuseTwice(erp, 'getItem', 'erp:tryton');
    refuseTwice(procurement, 'awardPurchaseOrder', 'procurement');
    // Six real one-second waits: longer than finished() polls for.
    for (let i = 0; i < 200 && executions(WORKFLOWS.commitment).length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const commitment = only(WORKFLOWS.commitment);
    await commitment.done;

    expect(commitment.status).toBe('SUCCEEDED');
    const waitedOnce = (step: string, outcome: string, deferred: string, wait: string) => [
      step,
      outcome,
      deferred,
      wait,
      step,
      outcome,
      deferred,
      wait,
      step,
      outcome,
    ];
    expect(commitment.path).toEqual([
      'Resuming after approval?',
      ...waitedOnce('Source the need', 'Sourcing outcome', 'Sourcing deferred', 'Wait, then source again'),
      ...waitedOnce(
        'Check ERP policies',
        'Policy verdict',
        'Policy check deferred',
        'Wait, then check again',
      ),
      ...waitedOnce('Post purchase order', 'Posting outcome', 'Posting deferred', 'Wait, then post again'),
      'Hand over to acknowledgement',
      'Purchase order posted',
    ]);
    expect(raised()).toEqual([]);
    expect(harness.procurement.sourcingRequests()).toHaveLength(1);
    expect(harness.procurement.purchaseOrders()).toHaveLength(1);
  }, 30_000);

  it('refused for longer than the wait budget: compensates and raises SYSTEM_UNAVAILABLE with the reason', async () => {
    harness = await startHarness();
    await harness.evaluate(exception());
    // An open breaker with its cool-down far beyond the execution's 180 s budget.
    harness.ports.procurement.createSourcingRequest = async () => {
      throw new CircuitOpenError('procurement', 600);
    };
    await finished(WORKFLOWS.commitment);
    const commitment = only(WORKFLOWS.commitment);
    await commitment.done;
    expect(commitment.status).toBe('FAILED');
    expect(commitment.path).toEqual([
      'Resuming after approval?',
      'Source the need',
      'Fail and compensate',
      'Failed',
    ]);
    expect(raised()).toEqual([
      expect.objectContaining({
        category: 'TECHNICAL',
        code: 'SYSTEM_UNAVAILABLE',
        details: expect.stringContaining('circuit open for procurement: not called, retry in 600s'),
      }),
    ]);
  });

  it('procurement down past the retries: fails with a technical integration exception, nothing posted', async () => {
    harness = await startHarness();
    await harness.evaluate(exception());
    harness.procurement.setFaults({ outage: true });
    await finished(WORKFLOWS.commitment);
    const commitment = only(WORKFLOWS.commitment);
    await commitment.done;
    expect(commitment.status).toBe('FAILED');
    expect(commitment.error).toBe('CommitmentFailed');
    expect(commitment.path).toEqual([
      'Resuming after approval?',
      'Source the need',
      'Fail and compensate',
      'Failed',
    ]);
    expect(commitment.retries['Source the need']).toBe(3);
    expect(raised()).toEqual([
      expect.objectContaining({ category: 'TECHNICAL', code: 'SYSTEM_UNAVAILABLE' }),
    ]);
    expect(harness.erpCalls).not.toContain('postPurchaseOrder');
  });
});

describe('commitment-approval workflow (above the approval limit)', () => {
  // 9,000 EA at 3.10 = 27,900.00 > 25,000.00
  const large = () => exception({ forecast_qty: 9000, projected_on_hand: 100, safety_stock: 0 });

  async function waitForApproval(): Promise<string> {
    for (let i = 0; i < 200 && harness.approvals.size === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const [approvalId] = [...harness.approvals.keys()];
    expect(approvalId).toBeDefined();
    return approvalId!;
  }

  it('approval granted: the approver decides and the commitment resumes at posting', async () => {
    harness = await startHarness();
    await harness.evaluate(large());
    const approvalId = await waitForApproval();
    const commitment = executions(WORKFLOWS.commitment)[0]!;
    await commitment.done;
    expect(commitment.path.at(-1)).toBe('Waiting for approval');
    expect(harness.erpCalls).not.toContain('postPurchaseOrder');
    harness.sfn.sendTaskSuccess(harness.approvals.get(approvalId)!, {
      decision: 'approve',
      approver: 'dana',
      decidedAt: new Date().toISOString(),
    });
    await only(WORKFLOWS.approval).done;
    await executions(WORKFLOWS.commitment)[1]!.done;
    expect(only(WORKFLOWS.approval).path).toEqual([
      'Wait for approval',
      'Decision',
      'Resume commitment',
      'Approved',
    ]);
    const resumed = executions(WORKFLOWS.commitment)[1]!;
    expect(resumed.path).toEqual([
      'Resuming after approval?',
      'Post purchase order',
      'Posting outcome',
      'Hand over to acknowledgement',
      'Purchase order posted',
    ]);
    expect(harness.procurement.purchaseOrders()).toHaveLength(1);
    expect(harness.erpCalls.filter((call) => call === 'postPurchaseOrder')).toHaveLength(1);
  });

  it('approval rejected: compensates and raises APPROVAL_REJECTED with the reason, nothing posted', async () => {
    harness = await startHarness();
    await harness.evaluate(large());
    const approvalId = await waitForApproval();
    harness.sfn.sendTaskSuccess(harness.approvals.get(approvalId)!, {
      decision: 'reject',
      approver: 'dana',
      reason: 'Promotion cancelled',
      decidedAt: new Date().toISOString(),
    });
    await finished(WORKFLOWS.approval);
    const approval = only(WORKFLOWS.approval);
    expect(approval.path).toEqual(['Wait for approval', 'Decision', 'Approval rejected', 'Rejected']);
    expect(harness.procurement.sourcingRequests()[0]!.status).toBe('cancelled');
    expect(harness.procurement.purchaseOrders()).toEqual([]);
    expect(raised()).toEqual([
      expect.objectContaining({
        code: 'APPROVAL_REJECTED',
        message: expect.stringContaining('Promotion cancelled'),
      }),
    ]);
  });

  it('approval timed out: escalates as an integration exception, compensates, nothing posted', async () => {
    harness = await startHarness({ approvalTimeoutSeconds: 1 });
    await harness.evaluate(large());
    await finished(WORKFLOWS.approval);
    const approval = only(WORKFLOWS.approval);
    expect(approval.path).toEqual(['Wait for approval', 'Escalate time-out', 'Escalated']);
    expect(approval.error).toBe('ApprovalTimedOut');
    expect(harness.procurement.sourcingRequests()[0]!.status).toBe('cancelled');
    expect(harness.procurement.purchaseOrders()).toEqual([]);
    expect(raised()).toEqual([expect.objectContaining({ code: 'APPROVAL_TIMEOUT' })]);
  });
});

describe('supplier-acknowledgement workflow', () => {
  async function postOne(options: { acknowledgementTimeoutSeconds?: number } = {}) {
    harness = await startHarness(options);
    await harness.evaluate(exception());
    for (let i = 0; i < 200 && executions(WORKFLOWS.acknowledgement).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    return harness.procurement.purchaseOrders()[0]!;
  }

  it('acknowledges fully: the workflow completes and the ERP order is left as posted', async () => {
    const po = await postOne();
    const result = await harness.acknowledge(
      mapPurchaseOrderAcknowledged(
        purchaseOrderAcknowledgedDelivery({
          po_number: po.po_number,
          lines: [{ line_no: 1, confirmed_qty: 1308, confirmed_date: '2026-12-07' }],
        }),
        context,
      ),
    );
    expect(result).toMatchObject({ classification: 'full', amended: false });
    await harness.sfn.settle();
    const ack = only(WORKFLOWS.acknowledgement);
    expect(ack.status).toBe('SUCCEEDED');
    expect(ack.path).toEqual(['Wait for supplier acknowledgement']);
    expect(harness.erpCalls).not.toContain('amendPurchaseOrder');
  });

  it('acknowledges partially and late: the ERP order is amended to the confirmed quantity and date', async () => {
    const po = await postOne();
    const before = await harness.erp.findPurchaseOrder(
      erpReferenceOf(harness.procurement.sourcingRequests()[0]!),
    );
    const result = await harness.acknowledge(
      mapPurchaseOrderAcknowledged(
        purchaseOrderAcknowledgedDelivery({
          po_number: po.po_number,
          lines: [{ line_no: 1, confirmed_qty: 1200, confirmed_date: '2026-12-09' }],
        }),
        context,
      ),
    );
    expect(result).toMatchObject({ classification: 'partial-late', amended: true });
    await harness.sfn.settle();
    expect(only(WORKFLOWS.acknowledgement).status).toBe('SUCCEEDED');
    const order = await harness.erp.findPurchaseOrder(
      erpReferenceOf(harness.procurement.sourcingRequests()[0]!),
    );
    expect(order!.revision).toBe(before!.revision + 1);
    expect(order!.lines[0]).toMatchObject({ quantityEa: '1200', deliveryDate: '2026-12-09' });
    expect(harness.eventTypes()).toContain('purchase-order.amended');
  });

  it('never acknowledges: the deadline raises ACKNOWLEDGEMENT_OVERDUE and nothing is undone', async () => {
    await postOne({ acknowledgementTimeoutSeconds: 1 });
    await harness.sfn.settle();
    const ack = only(WORKFLOWS.acknowledgement);
    expect(ack.status).toBe('FAILED');
    expect(ack.path).toEqual([
      'Wait for supplier acknowledgement',
      'Raise acknowledgement overdue',
      'Overdue',
    ]);
    expect(raised()).toEqual([
      expect.objectContaining({ code: 'ACKNOWLEDGEMENT_OVERDUE', objectType: 'PurchaseOrder' }),
    ]);
    expect(harness.procurement.sourcingRequests()[0]!.status).toBe('awarded');
  });
});
