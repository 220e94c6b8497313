/**
 * The ERP request budget's lanes (ADR 12), through the connectors as Lambda composes them: the
 * commitment workflow's ERP calls take the critical lane, the system APIs' reads the bulk lane, one
 * request each from the one budget of endpoint `erp` (windows in the breaker table, mocked at the
 * SDK boundary); a call the budget refuses is not made. The ERP is the simulator over HTTP.
 */
import { GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RequestBudgetExhausted, SharedRateBudget } from '../../../adapters/resilience/shared-rate-budget';
import { ERP_SHARED_BUDGET } from '../../../application/system-apis';
import type * as CommitmentPorts from '../../../functions/commons/commitment-ports';
import type * as Connectors from '../../../functions/commons/connectors';
import type { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import type { ProcurementSimulator } from '../../../local/simulators/procurement/server';
import { answerConnectorSecrets, startSimulatedSystems } from '../api/simulated-systems';
import { conditionFailed, dynamo, secrets } from '../workflow/support';

let erp: ErpSimulatorServer;
let procurement: ProcurementSimulator;
// Imported once the simulators' environment is set: the connectors read it when first used.
let connectors: typeof Connectors;
let commitments: typeof CommitmentPorts;

const CRITICAL = ERP_SHARED_BUDGET.limitPerWindow;
const BULK = Math.floor(ERP_SHARED_BUDGET.limitPerWindow * ERP_SHARED_BUDGET.bulkShare);

beforeAll(async () => {
  ({ erp, procurement } = await startSimulatedSystems());
  connectors = await import('../../../functions/commons/connectors');
  commitments = await import('../../../functions/commons/commitment-ports');
});
afterAll(async () => {
  await erp?.close();
  await procurement?.close();
});

beforeEach(() => {
  for (const mock of [secrets, dynamo]) mock.reset();
  answerConnectorSecrets();
  // A closed breaker, granted budget windows.
  dynamo.on(GetCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({ Attributes: { used: 1 } });
});

const isBudgetWindow = (input: UpdateCommandInput) => String(input.Key?.endpoint).startsWith('budget#');

/** Each request taken from a budget: its endpoint and the lane's limit it was checked against. */
function budgetTakes(): { endpoint: string; limit: unknown }[] {
  return dynamo
    .commandCalls(UpdateCommand)
    .map((call) => call.args[0].input)
    .filter(isBudgetWindow)
    .map((input) => ({
      endpoint: String(input.Key!.endpoint).split('#')[1]!,
      limit: input.ExpressionAttributeValues?.[':limit'],
    }));
}

describe('the ERP request budget', () => {
  it('the commitment workflow’s ERP calls take its critical lane, one request each', async () => {
    const east = commitments.commitmentPorts().erps.forWarehouse('WH-EAST');
    await east.getItem('SKU-10442');
    await east.committedValue('WH-EAST', new Date().toISOString().slice(0, 7));
    expect(budgetTakes()).toEqual([
      { endpoint: 'erp', limit: CRITICAL },
      { endpoint: 'erp', limit: CRITICAL },
    ]);
  });

  it('the system APIs’ reads take its bulk lane, and not the critical lane as well', async () => {
    const reads = connectors.erpBulkReads();
    await reads.getItem('SKU-10442');
    await reads.findPurchaseOrder('SL-NONE');
    expect(budgetTakes()).toEqual([
      { endpoint: 'erp', limit: BULK },
      { endpoint: 'erp', limit: BULK },
    ]);
  });

  it('a workflow call the budget keeps refusing is not made: it fails transiently, to be retried', async () => {
    dynamo.on(UpdateCommand).callsFake((input: UpdateCommandInput) => {
      if (isBudgetWindow(input)) throw conditionFailed();
      return { Attributes: { used: 1 } };
    });
    const before = erp.calls.length;
    const failure = await commitments
      .commitmentPorts()
      .erps.forWarehouse('WH-EAST')
      .getItem('SKU-10442')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RequestBudgetExhausted);
    expect(failure).toMatchObject({ lane: 'critical', system: 'erp' });
    expect(erp.calls.length).toBe(before);
  });
});

describe('a declared ERP instance’s budget', () => {
  const lanes = (requestsPerSecond: number) => {
    const budget = new SharedRateBudget({
      documents: {} as never,
      tableName: 'circuit-breaker',
      endpoint: 'erp:west',
      ...connectors.erpBudgetWindows(requestsPerSecond),
    });
    return { critical: budget.limitOf('critical'), bulk: budget.limitOf('bulk') };
  };

  it('gives reads the shared budget’s share of a second', () => {
    expect(lanes(20)).toEqual({ critical: 20, bulk: Math.floor(20 * ERP_SHARED_BUDGET.bulkShare) });
  });

  it('leaves reads one request a second when the share would round to none', () => {
    expect(lanes(1)).toEqual({ critical: 1, bulk: 1 });
    expect(lanes(2)).toEqual({ critical: 2, bulk: 1 });
  });
});
