/**
 * Business units against two real Tryton databases served by one trytond (east: `supplyline`,
 * west: `supplyline_west`), each behind a request budget of its own size: each unit's commitment
 * reaches its own database, a supplier change reaches both, the policy check follows the unit's own
 * database whatever the other holds, reconciliation reads each order from its unit's database, and
 * one unit's spent budget leaves the other's untouched.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErpOrders } from '../../adapters/erp/order-reader';
import { RateBudget } from '../../adapters/procurement/rate-budget';
import { budgetedPort } from '../../adapters/resilience/budgeted-port';
import { RequestBudgetExhausted } from '../../adapters/resilience/shared-rate-budget';
import type { ErpInstanceRouting } from '../../application/erp-instances';
import type { ErpPort } from '../../domain/ports/erp';
import { TrytonErp } from '../../adapters/erp/tryton/tryton-erp';
import { TrytonRpc } from '../../adapters/erp/tryton/jsonrpc';
import type { IntegrationExceptionRaisedV1 } from '../../canonical/generated/types';
import { erpInstances, type ErpInstances } from '../../domain/business-units';
import { erpOrdersByInstance } from '../../domain/reconciliation/instances';
import { fanOutSupplierChange } from '../../domain/supplier-master';
import { upliftAt as upliftOf } from '../support/business-units';
import { startHarness, WORKFLOWS, type Harness } from '../support/commitment-harness';
import { erpReferenceOf } from '../support/purchase-order-reference';
import { startTryton, type TrytonSandbox } from '../support/tryton';

let tryton: TrytonSandbox;
let east: TrytonErp;
let west: TrytonErp;
let westRpc: TrytonRpc;
beforeAll(async () => {
  tryton = await startTryton({ databases: ['supplyline_west'] });
  const connection = (database: string) => ({
    url: tryton.url,
    database,
    user: tryton.user,
    password: tryton.password,
  });
  east = new TrytonErp(connection(tryton.db));
  west = new TrytonErp(connection(tryton.databases[0]!));
  westRpc = new TrytonRpc(connection(tryton.databases[0]!));
});
afterAll(async () => {
  try {
    expect(tryton.criticalLines(), `CRITICAL lines in ${tryton.logPath}`).toEqual([]);
  } finally {
    await tryton?.stop();
  }
});

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The two units, each with a request budget of its own size (as application/erp-instances.ts declares them). */
const UNITS = [
  {
    name: 'east',
    warehouses: ['WH-EAST', 'WH-NORTH', 'WH-SOUTH'],
    requestBudget: { requestsPerSecond: 20, burst: 40 },
  },
  { name: 'west', warehouses: ['WH-WEST'], requestBudget: { requestsPerSecond: 5, burst: 20 } },
] as const satisfies readonly ErpInstanceRouting[];

// Every ErpPort method: the compiler fails here when the port grows.
const ERP_CALLS = {
  getItem: true,
  listItems: true,
  getWarehouse: true,
  getSupplier: true,
  applySupplierChange: true,
  getInventoryBalance: true,
  committedValue: true,
  findPurchaseOrder: true,
  listReferencedPurchaseOrders: true,
  findPurchaseOrders: true,
  postPurchaseOrder: true,
  amendPurchaseOrder: true,
  listReceipts: true,
  listExpectedShipments: true,
  recordExpectedShipment: true,
  withdrawExpectedShipment: true,
  replaceExpectedShipment: true,
  findOrdersExpectingShipment: true,
} satisfies Record<keyof ErpPort, true>;

/**
 * Each unit's database behind its own request budget (the bucket a function instance falls back to
 * in functions/commons/connectors.ts), every call taking one request of it; `now` freezes refills.
 */
function budgetedUnits(now?: () => number): ErpInstances {
  // One port per instance, built once (as the connectors keep them), so each keeps its budget.
  const ports = new Map<string, ErpPort>();
  const budgeted = (instance: string): ErpPort => {
    const { requestBudget } = UNITS.find((unit) => unit.name === instance)!;
    const budget = new RateBudget({
      capacity: requestBudget.burst,
      refillPerSecond: requestBudget.requestsPerSecond,
      ...(now ? { now } : {}),
    });
    return budgetedPort(instance === 'east' ? east : west, Object.keys(ERP_CALLS) as (keyof ErpPort)[], {
      budget,
      lane: 'critical',
      system: `erp:${instance}`,
    });
  };
  return erpInstances(UNITS, (instance) => {
    if (!ports.has(instance)) ports.set(instance, budgeted(instance));
    return ports.get(instance)!;
  });
}

const units = (): ErpInstances => budgetedUnits();

let sequence = 0;
const context = {
  tenantId: 'acme',
  now: () => new Date(),
  newId: () => `30000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
};

/** An A-class uplift of 40% on SKU-10442 at `site`. */
const upliftAt = (site: string) => upliftOf(site, `EXC-T-${site}-${++sequence}-${Date.now()}`, context);

/** The `count`th commitment, once it ended (the Express workflow ends when posted or rejected). */
async function commitmentEnded(count: number) {
  for (let i = 0; i < 1000; i++) {
    const list = harness!.sfn
      .listExecutions()
      .filter((execution) => execution.stateMachineName === WORKFLOWS.commitment);
    if (list.length >= count && list[count - 1]!.status !== 'RUNNING') return list[count - 1]!;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`commitment ${count} did not end`);
}

const raisedCodes = () =>
  harness!.events
    .filter(
      (event): event is IntegrationExceptionRaisedV1 => event.eventType === 'integration-exception.raised',
    )
    .map((event) => event.data.code);

describe('business units on two Tryton databases', () => {
  it("posts each unit's commitment in its own database, and nothing in the other's", async () => {
    harness = await startHarness({ erps: units });
    await harness.evaluate(upliftAt('DC-EAST-02'));
    expect((await commitmentEnded(1)).status, raisedCodes().join()).toBe('SUCCEEDED');
    await harness.evaluate(upliftAt('DC-WEST-01'));
    expect((await commitmentEnded(2)).status, raisedCodes().join()).toBe('SUCCEEDED');
    const [eastRef, westRef] = harness.procurement
      .sourcingRequests()
      .map((request) => erpReferenceOf(request));
    expect(await east.findPurchaseOrder(eastRef!)).toMatchObject({ warehouseCode: 'WH-EAST' });
    expect(await west.findPurchaseOrder(eastRef!)).toBeNull();
    expect(await west.findPurchaseOrder(westRef!)).toMatchObject({ warehouseCode: 'WH-WEST' });
    expect(await east.findPurchaseOrder(westRef!)).toBeNull();
  });

  it('applies a supplier put on hold in both databases, each once', async () => {
    const done = new Map<string, unknown>();
    const outcomes = await fanOutSupplierChange({ supplierNumber: 'S-2002', status: 'ON_HOLD' }, 1, {
      erps: units(),
      once: async (key, work) => {
        if (!done.has(key)) done.set(key, await work());
        return done.get(key) as never;
      },
    });
    expect(outcomes).toEqual([
      { instance: 'east', outcome: 'applied' },
      { instance: 'west', outcome: 'applied' },
    ]);
    expect(await east.getSupplier('S-2002')).toMatchObject({ active: false });
    expect(await west.getSupplier('S-2002')).toMatchObject({ active: false });
    expect([...done.keys()].sort()).toEqual([
      'supplier-master:east:S-2002:1',
      'supplier-master:west:S-2002:1',
    ]);
  });

  it("reconciles each order against its warehouse's database, and lists each database's unrecorded orders", async () => {
    const day = new Date().toISOString().slice(0, 10);
    const run = `${Date.now()}`;
    const order = (externalRef: string, warehouseCode: string) => ({
      externalRef,
      supplierNumber: 'S-1001',
      warehouseCode,
      purchaseDate: day,
      currency: 'USD',
      lines: [{ itemCode: 'SKU-10442', quantityEa: '12', unitPrice: '3.10', deliveryDate: day }],
    });
    const eastRef = `SL-PO-RECON-E-${run}`;
    const westRef = `SL-PO-RECON-W-${run}`;
    const unrecordedRef = `SL-PO-RECON-U-${run}`;
    await east.postPurchaseOrder(order(eastRef, 'WH-EAST'));
    await west.postPurchaseOrder(order(westRef, 'WH-WEST'));
    await west.postPurchaseOrder(order(unrecordedRef, 'WH-WEST'));
    // As reconciliation composes it (functions/scheduled/reconciliation-ports.ts), budgets aside.
    const reader = erpOrdersByInstance(
      erpInstances(UNITS, (instance) => new ErpOrders(instance === 'east' ? east : west)),
    );

    const found = await reader.ordersByReference([
      { externalRef: eastRef, warehouseCode: 'WH-EAST' },
      { externalRef: westRef, warehouseCode: 'WH-WEST' },
    ]);
    expect(found.get(eastRef)).toMatchObject({ warehouseCode: 'WH-EAST' });
    expect(found.get(westRef)).toMatchObject({ warehouseCode: 'WH-WEST' });
    const listed = [];
    for await (const page of reader.referencedOrders({ from: day, until: '9999-12-31' }))
      listed.push(...page.filter((listedOrder) => listedOrder.externalRef.endsWith(run)));
    expect(listed.map(({ externalRef, instance }) => [externalRef, instance])).toEqual([
      [eastRef, 'east'],
      // Each instance lists its orders by reference.
      [unrecordedRef, 'west'],
      [westRef, 'west'],
    ]);
    // The west warehouse's value is west's own: east holds no west order.
    expect(await reader.committedValue('WH-WEST', day.slice(0, 7))).toBe(
      await west.committedValue('WH-WEST', day.slice(0, 7)),
    );
    expect(await east.committedValue('WH-WEST', day.slice(0, 7))).toBe('0.00');
  });

  it("spends each unit's own request budget: west's spent leaves east's untouched", async () => {
    // Refills frozen: each budget grants its burst, and no more.
    const erps = budgetedUnits(() => 0);
    const westGranted = await grantedReads(erps.forWarehouse('WH-WEST'), 'WH-WEST', 25);
    const eastGranted = await grantedReads(erps.forWarehouse('WH-EAST'), 'WH-EAST', 45);
    expect(westGranted).toBe(UNITS[1].requestBudget.burst);
    expect(eastGranted).toBe(UNITS[0].requestBudget.burst);
    await expect(erps.forWarehouse('WH-WEST').getWarehouse('WH-WEST')).rejects.toBeInstanceOf(
      RequestBudgetExhausted,
    );
  });

  it('fails a west commitment for an item only the east database has', async () => {
    // The west database loses SKU-10442 (its code changes); east keeps it.
    const [template] = await westRpc.searchRead<{ id: number }>(
      'product.template',
      [['code', '=', 'SKU-10442']],
      ['id'],
      { active_test: false },
    );
    await westRpc.write('product.template', [template!.id], { code: 'SKU-10442-WITHDRAWN' });
    expect(await west.getItem('SKU-10442')).toBeNull();
    expect(await east.getItem('SKU-10442')).not.toBeNull();

    harness = await startHarness({ erps: units });
    await harness.evaluate(upliftAt('DC-WEST-01'));
    expect((await commitmentEnded(1)).status).toBe('FAILED');
    expect(raisedCodes()).toEqual(['ITEM_UNKNOWN']);
    expect(harness.procurement.purchaseOrders()).toEqual([]);
  });
});

/** Reads `warehouseCode` up to `attempts` times in a row; how many the budget granted before the first refusal. */
async function grantedReads(erp: ErpPort, warehouseCode: string, attempts: number): Promise<number> {
  for (let granted = 0; granted < attempts; granted++) {
    try {
      expect(await erp.getWarehouse(warehouseCode)).toMatchObject({ code: warehouseCode });
    } catch (error) {
      if (error instanceof RequestBudgetExhausted) return granted;
      throw error;
    }
  }
  return attempts;
}
