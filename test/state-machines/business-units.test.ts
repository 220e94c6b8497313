/**
 * Business units through the procurement workflows: the site's warehouse decides which ERP instance
 * a commitment's policy checks, its posting and its acknowledgement updates go to.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mapPurchaseOrderAcknowledged } from '../../adapters/procurement/mapping';
import type { IntegrationExceptionRaisedV1 } from '../../canonical/generated/types';
import { erpInstances } from '../../domain/business-units';
import type { ErpPort } from '../../domain/ports/erp';
import { masterData } from '../../local/seed/master-data';
import { ErpSimulator } from '../../local/simulators/erp/erp-simulator';
import { upliftAt as upliftOf } from '../support/business-units';
import { startHarness, WORKFLOWS, type Harness } from '../support/commitment-harness';
import { erpReferenceOf } from '../support/purchase-order-reference';
import { purchaseOrderAcknowledgedDelivery } from '../fixtures/procurement';

let harness: Harness;
afterEach(async () => harness?.close());

let sequence = 0;
const context = {
  tenantId: 'acme',
  now: () => new Date(),
  newId: () => `20000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
};

/** An A-class uplift of 40% on SKU-10442 at the west DC (or `site`). */
const upliftAt = (site = 'DC-WEST-01') => upliftOf(site, `EXC-${site}-${++sequence}`, context);

/** East (the harness's recorded simulator) holds every warehouse but WH-WEST, which `west` holds. */
async function startUnits(west: ErpSimulator): Promise<Harness> {
  return startHarness({
    erps: (east) =>
      erpInstances(
        [
          { name: 'east', warehouses: ['WH-EAST', 'WH-NORTH', 'WH-SOUTH'] },
          { name: 'west', warehouses: ['WH-WEST'] },
        ],
        (instance): ErpPort => (instance === 'east' ? east : west),
      ),
  });
}

function commitment() {
  const list = harness.sfn
    .listExecutions()
    .filter((execution) => execution.stateMachineName === WORKFLOWS.commitment);
  expect(list).toHaveLength(1);
  return list[0]!;
}

async function started(name: string) {
  for (let i = 0; i < 400; i++) {
    if (harness.sfn.listExecutions().some((execution) => execution.stateMachineName === name)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The commitment failed its policy check with `code` alone, and nothing reached procurement. */
async function expectPolicyFailure(code: string) {
  await harness.sfn.settle().catch(() => undefined);
  await commitment().done;
  expect(commitment().status).toBe('FAILED');
  const raised = harness.events
    .filter(
      (event): event is IntegrationExceptionRaisedV1 => event.eventType === 'integration-exception.raised',
    )
    .map((event) => event.data.code);
  expect(raised).toEqual([code]);
  expect(harness.procurement.purchaseOrders()).toEqual([]);
}

describe('business units: one ERP instance per unit', () => {
  it("posts a west site's commitment in the west ERP and applies its acknowledgement there; east sees nothing", async () => {
    const west = new ErpSimulator();
    harness = await startUnits(west);
    await harness.evaluate(upliftAt());
    await started(WORKFLOWS.acknowledgement);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(commitment().status).toBe('SUCCEEDED');
    const ref = erpReferenceOf(harness.procurement.sourcingRequests()[0]!);
    expect(await west.findPurchaseOrder(ref)).toMatchObject({ warehouseCode: 'WH-WEST', revision: 0 });
    expect(await harness.erp.findPurchaseOrder(ref)).toBeNull();

    const po = harness.procurement.purchaseOrders()[0]!;
    await harness.acknowledge(
      mapPurchaseOrderAcknowledged(
        purchaseOrderAcknowledgedDelivery({
          po_number: po.po_number,
          lines: [{ line_no: 1, confirmed_qty: 1200, confirmed_date: '2026-12-09' }],
        }),
        context,
      ),
    );
    expect(await west.findPurchaseOrder(ref)).toMatchObject({ revision: 1 });
    // Not one call of the flow reached the east ERP.
    expect(harness.erpCalls).toEqual([]);
  });

  it('fails the policy check when the west ERP lacks the item, whatever the east ERP holds', async () => {
    const west = new ErpSimulator({
      data: { ...masterData, items: masterData.items.filter((item) => item.itemCode !== 'SKU-10442') },
    });
    harness = await startUnits(west);
    expect(await harness.erp.getItem('SKU-10442')).not.toBeNull();
    await harness.evaluate(upliftAt());
    await expectPolicyFailure('ITEM_UNKNOWN');
  });

  it('fails the policy check when the west ERP lacks the supplier, whatever the east ERP holds', async () => {
    const west = new ErpSimulator({
      data: {
        ...masterData,
        suppliers: masterData.suppliers.map((supplier) =>
          supplier.supplierNumber === 'S-1001' ? { ...supplier, erp: 'absent' as const } : supplier,
        ),
      },
    });
    harness = await startUnits(west);
    expect(await harness.erp.getSupplier('S-1001')).toMatchObject({ active: true });
    await harness.evaluate(upliftAt());
    await expectPolicyFailure('SUPPLIER_UNKNOWN_TO_ERP');
  });

  it('passes the policy check of an east commitment with an item only the east ERP holds', async () => {
    const west = new ErpSimulator({
      data: { ...masterData, items: masterData.items.filter((item) => item.itemCode !== 'SKU-10442') },
    });
    harness = await startUnits(west);
    await harness.evaluate(upliftAt('DC-EAST-02'));
    await started(WORKFLOWS.acknowledgement);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(commitment().status).toBe('SUCCEEDED');
    const ref = erpReferenceOf(harness.procurement.sourcingRequests()[0]!);
    expect(await harness.erp.findPurchaseOrder(ref)).toMatchObject({ warehouseCode: 'WH-EAST' });
    expect(await west.findPurchaseOrder(ref)).toBeNull();
  });
});
