/**
 * Business units against two real Tryton databases served by one trytond (east: `supplyline`,
 * west: `supplyline_west`): each unit's commitment reaches its own database, a supplier change
 * reaches both, and the policy check follows the unit's own database whatever the other holds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErpOrders } from '../../adapters/erp/order-reader';
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

const UNITS = [
  { name: 'east', warehouses: ['WH-EAST', 'WH-NORTH', 'WH-SOUTH'] },
  { name: 'west', warehouses: ['WH-WEST'] },
];

const units = (): ErpInstances => erpInstances(UNITS, (instance) => (instance === 'east' ? east : west));

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
    // As reconciliation composes it (functions/scheduled/reconciliation-ports.ts), without the budgets.
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
