import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconciliationPorts } from '../../../functions/scheduled/reconciliation-ports';
import type { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import { dynamo, eventBridge, secrets } from '../workflow/support';
import { answerConnectorSecrets, startSimulatedSystems } from '../api/simulated-systems';

let erp: ErpSimulatorServer;
let procurement: { close(): Promise<void> };
const references: string[] = [];

beforeAll(async () => {
  ({ erp, procurement } = await startSimulatedSystems({
    RECONCILIATION_REPORTS_BUCKET_NAME: 'reconciliation-reports',
  }));
  const today = new Date().toISOString().slice(0, 10);
  for (let n = 0; n < 230; n++) {
    const externalRef = `SL-PO-PAGES-${String(n).padStart(4, '0')}`;
    await erp.simulator.postPurchaseOrder({
      externalRef,
      supplierNumber: 'S-1001',
      warehouseCode: 'WH-EAST',
      purchaseDate: today,
      currency: 'USD',
      lines: [{ itemCode: 'SKU-10442', quantityEa: '12', unitPrice: '3.10', deliveryDate: today }],
    });
    if (n % 50 === 0) await erp.simulator.receiveShipment(externalRef);
    references.push(externalRef);
  }
});

afterAll(async () => {
  await erp.close();
  await procurement.close();
});

beforeEach(() => {
  for (const mock of [secrets, dynamo, eventBridge]) mock.reset();
  answerConnectorSecrets();
  // A closed breaker and granted budget windows.
  dynamo.on(GetCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({ Attributes: { used: 1 } });
  erp.calls.length = 0;
});

/** The ERP request budget's windows the run took (one UpdateCommand each). */
const erpBudgetTakes = () =>
  dynamo
    .commandCalls(UpdateCommand)
    .map((call) => call.args[0].input)
    .filter((input) => String(input.Key?.endpoint).startsWith('budget#erp#'));

describe("the reconciliation run's ERP reads", () => {
  it('read the orders a page of references at a time, each page granted by the ERP budget’s bulk lane', async () => {
    const { erp: reader } = reconciliationPorts();
    const unknown = 'SL-PO-PAGES-UNKNOWN';
    const found = await reader.ordersByReference(
      [...references, unknown].map((externalRef) => ({ externalRef, warehouseCode: 'WH-EAST' })),
    );

    expect(found.size).toBe(references.length);
    expect(found.has(unknown)).toBe(false);
    expect(found.get('SL-PO-PAGES-0050')?.receipts).toHaveLength(1);
    expect(found.get('SL-PO-PAGES-0051')).toMatchObject({ externalRef: 'SL-PO-PAGES-0051', receipts: [] });
    // 231 references: three pages of at most 100, never a read per order.
    expect(erp.calls.map((call) => call.operation)).toEqual([
      'findPurchaseOrders',
      'findPurchaseOrders',
      'findPurchaseOrders',
    ]);
    const takes = erpBudgetTakes();
    expect(takes).toHaveLength(3);
    // The bulk lane: 10 of the window's 25 (ERP_SHARED_BUDGET), so critical work keeps the rest.
    for (const take of takes) expect(take.ExpressionAttributeValues?.[':limit']).toBe(10);
  });

  it("take the committed value's read from the same lane", async () => {
    const { erp: reader } = reconciliationPorts();
    await reader.committedValue('WH-EAST', new Date().toISOString().slice(0, 7));
    expect(erpBudgetTakes()).toHaveLength(1);
  });
});
