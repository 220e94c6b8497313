/**
 * Reconciliation across business units, through the connectors as Lambda composes them: two ERP
 * simulators over HTTP, east (the primary) holding WH-EAST and west holding WH-WEST, each with its
 * own request budget (windows in the breaker table, mocked at the SDK boundary). Each recorded
 * order is read from its warehouse's instance, each instance's pages from its own budget's bulk
 * lane; the committed value and the listing of orders Supplyline never recorded likewise.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERP_INSTANCES_ENV_VAR } from '../../../application/erp-instances';
import type * as ReconciliationPortsModule from '../../../functions/scheduled/reconciliation-ports';
import type { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import { dynamo } from '../workflow/support';
import {
  closeAll,
  resetTwoUnits,
  startSimulatedSystems,
  startWestInstance,
  TWO_UNITS,
} from '../api/simulated-systems';

let east: ErpSimulatorServer;
let west: ErpSimulatorServer;
let procurement: { close(): Promise<void> };
let ports: typeof ReconciliationPortsModule;
const today = new Date().toISOString().slice(0, 10);

/** Posts `externalRef` in `erp` at `warehouseCode`: 12 EA at 3.10. */
const post = (erp: ErpSimulatorServer, externalRef: string, warehouseCode: string) =>
  erp.simulator.postPurchaseOrder({
    externalRef,
    supplierNumber: 'S-1001',
    warehouseCode,
    purchaseDate: today,
    currency: 'USD',
    lines: [{ itemCode: 'SKU-10442', quantityEa: '12', unitPrice: '3.10', deliveryDate: today }],
  });

beforeAll(async () => {
  ({ erp: east, procurement } = await startSimulatedSystems({
    RECONCILIATION_REPORTS_BUCKET_NAME: 'reconciliation-reports',
    [ERP_INSTANCES_ENV_VAR]: JSON.stringify(TWO_UNITS),
  }));
  west = await startWestInstance();
  ports = await import('../../../functions/scheduled/reconciliation-ports');
  await post(east, 'SL-PO-EAST-1', 'WH-EAST');
  await post(west, 'SL-PO-WEST-1', 'WH-WEST');
  // Recorded by neither: only west's listing has it.
  await post(west, 'SL-PO-WEST-UNRECORDED', 'WH-WEST');
});

afterAll(() => closeAll(east, west, procurement));

beforeEach(() => {
  resetTwoUnits(east, west);
});

/** Each request taken from an ERP budget: its endpoint and the bulk lane's limit it was checked against. */
const erpBudgetTakes = () =>
  dynamo
    .commandCalls(UpdateCommand)
    .map((call) => call.args[0].input)
    .filter((input) => String(input.Key?.endpoint).startsWith('budget#erp'))
    .map((input) => ({
      endpoint: String(input.Key!.endpoint).split('#')[1],
      limit: input.ExpressionAttributeValues?.[':limit'],
    }));

describe('reconciliation across ERP instances', () => {
  it("reads each recorded order from its warehouse's instance, in that instance's own budget", async () => {
    const found = await ports.reconciliationPorts().erp.ordersByReference([
      { externalRef: 'SL-PO-EAST-1', warehouseCode: 'WH-EAST' },
      { externalRef: 'SL-PO-WEST-1', warehouseCode: 'WH-WEST' },
    ]);

    expect(found.get('SL-PO-EAST-1')).toMatchObject({ warehouseCode: 'WH-EAST' });
    expect(found.get('SL-PO-WEST-1')).toMatchObject({ warehouseCode: 'WH-WEST' });
    expect(east.calls.map((call) => call.operation)).toEqual(['findPurchaseOrders']);
    expect(west.calls.map((call) => call.operation)).toEqual(['findPurchaseOrders']);
    // East: 20 a second, reads 40% of it (8); west: 5 a second, reads 2 (bulk lanes of their own).
    expect(erpBudgetTakes()).toEqual(
      expect.arrayContaining([
        { endpoint: 'erp', limit: 8 },
        { endpoint: 'erp:west', limit: 2 },
      ]),
    );
    expect(erpBudgetTakes()).toHaveLength(2);
  });

  it("reads a warehouse's committed value from its own instance", async () => {
    const month = today.slice(0, 7);
    expect(await ports.reconciliationPorts().erp.committedValue('WH-WEST', month)).toBe('74.40');
    expect(west.calls.map((call) => call.operation)).toEqual(['committedValue']);
    expect(east.calls).toEqual([]);
    expect(erpBudgetTakes()).toEqual([{ endpoint: 'erp:west', limit: 2 }]);
  });

  it('lists the orders with the middleware’s reference in every instance, each named by its instance', async () => {
    const listed = [];
    for await (const page of ports.reconciliationPorts().erp.referencedOrders({
      from: today,
      until: '9999-12-31',
    }))
      listed.push(...page);

    expect(listed.map(({ externalRef, instance }) => ({ externalRef, instance }))).toEqual([
      { externalRef: 'SL-PO-EAST-1', instance: 'east' },
      { externalRef: 'SL-PO-WEST-1', instance: 'west' },
      { externalRef: 'SL-PO-WEST-UNRECORDED', instance: 'west' },
    ]);
  });
});
