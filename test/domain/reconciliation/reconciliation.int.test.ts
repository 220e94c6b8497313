/**
 * Reconciliation against the real Tryton 6.0 and the procurement simulator, with Supplyline's own
 * records in dynalite: three orders are posted through the commitment steps, then drift is made on
 * purpose (an order deleted on the platform, a quantity a person amended in the ERP, a quantity a
 * buyer changed on the platform). The run finds exactly those, repairs only the last, and a second
 * run finds the first two again (raising the same exception ids) and repairs nothing twice.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCommitmentRegistry } from '../../../adapters/aws/commitments';
import { DynamoDbRecordedOrders } from '../../../adapters/aws/reconciliation-records';
import { SyncLedger } from '../../../adapters/aws/sync-ledger';
import { ErpOrders } from '../../../adapters/erp/order-reader';
import { ProcurementClient } from '../../../adapters/procurement/client';
import { ProcurementOrders } from '../../../adapters/procurement/order-reader';
import { mapForecastException } from '../../../adapters/planning/mapping';
import type { IntegrationException } from '../../../canonical/generated/types';
import { Decimal } from '../../../domain/decimal';
import { evaluateForecastException } from '../../../domain/commitment/evaluation';
import { checkCommitmentPolicies, postPurchaseOrder, sourceTheNeed } from '../../../domain/commitment/steps';
import type { CommitmentState, PostedPurchaseOrder } from '../../../domain/commitment/types';
import { reconciliationRepairs } from '../../../domain/reconciliation/repairs';
import { reconcile, type ReconciliationPorts } from '../../../domain/reconciliation/run';
import type { Difference } from '../../../domain/reconciliation/types';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';
import { nextBucket } from '../../../local/scenario/seed-scenario';
import { TrytonErpAdmin } from '../../../scripts/tryton/admin';
import { forecastExceptionDelivery } from '../../fixtures/planning';
import { startHarness, type Harness } from '../../support/commitment-harness';
import { startTryton, type TrytonSandbox } from '../../support/tryton';
import { singleErp } from '../../../domain/business-units';

const SETTINGS = { windowDays: 90, receiptStatusServiceLevelSeconds: 300, approvalLimit: '25000.00' };
const context = { tenantId: 'acme', now: () => new Date(), newId: () => crypto.randomUUID() };

let tryton: TrytonSandbox;
let erp: TrytonErpAdmin;
let dynamo: LocalDynamo;
let harness: Harness;
let ledger: SyncLedger;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  [tryton, dynamo, harness] = await Promise.all([
    startTryton(),
    startLocalDynamo({ prefix: `recon-${process.pid}` }),
    startHarness(),
  ]);
  erp = new TrytonErpAdmin({
    url: tryton.url,
    database: tryton.db,
    user: tryton.user,
    password: tryton.password,
  });
  documents = DynamoDBDocumentClient.from(dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  ledger = new SyncLedger(documents, dynamo.tableNames.syncLedger);
});

afterAll(async () => {
  await harness?.close();
  await dynamo?.stop();
  try {
    expect(tryton.criticalLines(), `CRITICAL lines in ${tryton.logPath}`).toEqual([]);
  } finally {
    await tryton?.stop();
  }
});

/** Posts the commitment of forecast exception `n` (its own week, so each is a new need) to Tryton. */
async function post(n: number): Promise<PostedPurchaseOrder> {
  const ports = {
    ...harness.ports,
    erps: singleErp(erp),
    ledger,
    commitments: new DynamoDbCommitmentRegistry(documents, dynamo.tableNames.workflowCorrelation),
  };
  const event = mapForecastException(
    forecastExceptionDelivery({
      exception: {
        exception_id: `EXC-RECON-${n}`,
        bucket: { ...nextBucket(new Date(Date.now() + n * 7 * 86_400_000)), granularity: 'week' },
      },
    }),
    context,
  );
  let state: CommitmentState | undefined;
  await evaluateForecastException(event, {
    ...ports,
    settings: { approvalTimeoutSeconds: 3600, acknowledgementTimeoutSeconds: 3600 },
    startCommitment: async (input) => void (state = input),
  });
  if (!state) throw new Error(`exception ${n} started no commitment`);
  const sourcing = await sourceTheNeed(state, ports);
  const policy = await checkCommitmentPolicies({ ...state, sourcing }, ports);
  return postPurchaseOrder({ ...state, sourcing, policy }, ports);
}

/** One run over the real systems; what it reported and raised. */
async function run(runId: string) {
  const differences: Difference[] = [];
  const raised: IntegrationException[] = [];
  const procurement = new ProcurementOrders(
    new ProcurementClient({
      baseUrl: harness.procurement.url,
      credentials: { clientId: 'supplyline', clientSecret: 'supplyline-secret' },
    }),
  );
  const ports: ReconciliationPorts = {
    orders: new DynamoDbRecordedOrders(documents, {
      commitments: dynamo.tableNames.workflowCorrelation,
      ledger: dynamo.tableNames.syncLedger,
    }),
    procurement,
    erp: new ErpOrders(erp),
    repairer: reconciliationRepairs({ erp, procurement, ledger, now: () => new Date() }),
    exceptions: { raise: async (exception) => void raised.push(exception) },
    report: {
      add: async (difference) => void differences.push(difference),
      finish: async () => [],
    },
    now: () => new Date(),
  };
  const summary = await reconcile(ports, SETTINGS, runId);
  return { summary, differences, raised };
}

describe('reconciliation against Tryton and the procurement simulator', () => {
  it('finds exactly the drift made on purpose, repairs what it may, and repeats nothing on a second run', async () => {
    const deleted = await post(1);
    const editedInErp = await post(2);
    const changedByBuyer = await post(3);
    const awarded = (po: PostedPurchaseOrder) => Number(po.lines[0]!.quantityEa);

    // Drift: the platform loses an order; a person amends an ERP order; a buyer changes a platform order.
    harness.procurement.deletePurchaseOrder(deleted.poNumber);
    await erp.amendPurchaseOrder(editedInErp.externalRef, {
      lines: [{ lineNo: 1, quantityEa: String(awarded(editedInErp) - 10) }],
    });
    harness.procurement.changePurchaseOrder(changedByBuyer.poNumber, { qty: awarded(changedByBuyer) + 20 });

    const first = await run('run-1');
    expect(first.summary).toMatchObject({ orders: 3, repaired: 1, exceptionsRaised: 2, repairFailures: 0 });
    expect(
      first.differences.map((d) => [d.class, d.externalRef, d.expected.value, d.found.value, d.resolution]),
    ).toEqual(
      expect.arrayContaining([
        [
          'missing_in_procurement',
          deleted.externalRef,
          null,
          deleted.erpNumber,
          expect.objectContaining({ kind: 'exception', code: 'ORDER_MISSING_IN_PROCUREMENT' }),
        ],
        [
          'quantity_mismatch',
          editedInErp.externalRef,
          String(awarded(editedInErp)),
          String(awarded(editedInErp) - 10),
          expect.objectContaining({ kind: 'exception', code: 'ERP_CHANGED_BY_PERSON' }),
        ],
        [
          'quantity_mismatch',
          changedByBuyer.externalRef,
          String(awarded(changedByBuyer) + 20),
          String(awarded(changedByBuyer)),
          { kind: 'repair', action: 'amend-erp-order' },
        ],
      ]),
    );
    expect(first.differences).toHaveLength(3);
    // Financial reconciliation: the ERP now carries the person's -10 and the repaired +20 that
    // Supplyline's commitments do not; reported, never repaired.
    const price = (po: PostedPurchaseOrder) => Decimal.of(po.lines[0]!.unitPrice);
    expect(first.summary.committedValues).toEqual([
      expect.objectContaining({
        warehouseCode: deleted.warehouseCode,
        month: deleted.postedAt.slice(0, 7),
        difference: price(changedByBuyer).mul(20).sub(price(editedInErp).mul(10)).toMoneyString('half-even'),
      }),
    ]);
    expect(first.summary.committedValueDifferences).toBe(1);
    // The person's amendment stands; the buyer's change reached the ERP.
    expect((await erp.findPurchaseOrder(editedInErp.externalRef))?.lines[0]?.quantityEa).toBe(
      String(awarded(editedInErp) - 10),
    );
    const repaired = await erp.findPurchaseOrder(changedByBuyer.externalRef);
    expect(repaired?.lines[0]?.quantityEa).toBe(String(awarded(changedByBuyer) + 20));

    const second = await run('run-2');
    expect(second.summary).toMatchObject({ orders: 3, repaired: 0, exceptionsRaised: 2 });
    expect(second.differences.map((d) => [d.class, d.externalRef])).toEqual(
      expect.arrayContaining([
        ['missing_in_procurement', deleted.externalRef],
        ['quantity_mismatch', editedInErp.externalRef],
      ]),
    );
    expect(second.differences).toHaveLength(2);
    expect(second.raised.map((e) => e.exceptionId).sort()).toEqual(
      first.raised.map((e) => e.exceptionId).sort(),
    );
    expect((await erp.findPurchaseOrder(changedByBuyer.externalRef))?.revision).toBe(repaired?.revision);
  });
});
