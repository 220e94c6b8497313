/**
 * The system APIs with two business units (ADR 13): a location and an inventory balance come from
 * the ERP instance holding the warehouse, in that instance's own budget's bulk lane; items stay the
 * primary's. Two ERP simulators over HTTP; AWS mocked at the SDK boundary.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERP_INSTANCES_ENV_VAR } from '../../../application/erp-instances';
import { ENVIRONMENTS } from '../../../application/environments';
import { BUSINESS_RULES_ENV_VAR } from '../../../application/resources';
import { masterData } from '../../../local/seed/master-data';
import type { ErpSimulatorServer } from '../../../local/simulators/erp/server';
import { dynamo } from '../workflow/support';
import {
  closeAll,
  resetTwoUnits,
  startSimulatedSystems,
  startWestInstance,
  TWO_UNITS,
} from './simulated-systems';
import { apiEvent, type ApiHandler } from './support';

let east: ErpSimulatorServer;
let west: ErpSimulatorServer;
let procurement: { close(): Promise<void> };
let items: ApiHandler;

beforeAll(async () => {
  ({ erp: east, procurement } = await startSimulatedSystems({
    SYSTEM_READ_STORE_TABLE_NAME: 'system-read-store',
    [BUSINESS_RULES_ENV_VAR]: JSON.stringify(ENVIRONMENTS.dev.business),
    [ERP_INSTANCES_ENV_VAR]: JSON.stringify(TWO_UNITS),
  }));
  // West's own database: its warehouse named differently, and stock of its own.
  west = await startWestInstance({
    data: {
      ...masterData,
      warehouses: masterData.warehouses.map((warehouse) =>
        warehouse.code === 'WH-WEST' ? { ...warehouse, name: 'West unit main warehouse' } : warehouse,
      ),
      openingStock: [{ itemCode: 'SKU-10442', warehouseCode: 'WH-WEST', quantityEa: 500 }],
    },
  });
  ({ handler: items } = await import('../../../functions/api/item-read'));
});
afterAll(() => closeAll(east, west, procurement));

beforeEach(() => {
  resetTwoUnits(east, west);
  dynamo.on(QueryCommand).resolves({ Items: [] });
});

const get = (path: string, pathParameters: Record<string, string>) =>
  items(apiEvent({ method: 'GET', path, pathParameters }));

/** The ERP budgets' endpoints the reads took windows from. */
const budgetEndpoints = () =>
  dynamo
    .commandCalls(UpdateCommand)
    .map((call) => String(call.args[0].input.Key?.endpoint))
    .filter((endpoint) => endpoint.startsWith('budget#erp'))
    .map((endpoint) => endpoint.split('#')[1]);

describe('system API reads by ERP instance', () => {
  it("reads a west location from west's ERP, in west's budget", async () => {
    const response = await get('/v1/locations/WH-WEST', { warehouseCode: 'WH-WEST' });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      warehouseCode: 'WH-WEST',
      erp: { known: true, name: 'West unit main warehouse' },
    });
    expect(west.calls.map((call) => call.operation)).toEqual(['getWarehouse']);
    expect(east.calls).toEqual([]);
    expect(budgetEndpoints()).toEqual(['erp:west']);
  });

  it("reads an east location from east's ERP", async () => {
    const response = await get('/v1/locations/WH-EAST', { warehouseCode: 'WH-EAST' });
    expect(JSON.parse(response.body)).toMatchObject({ erp: { name: 'East distribution center' } });
    expect(east.calls.map((call) => call.operation)).toEqual(['getWarehouse']);
    expect(west.calls).toEqual([]);
    expect(budgetEndpoints()).toEqual(['erp']);
  });

  it("reads a west inventory balance from west's ERP", async () => {
    const response = await get('/v1/inventory-balances/SKU-10442@WH-WEST', {
      balanceId: 'SKU-10442@WH-WEST',
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject(
      await west.simulator.getInventoryBalance('SKU-10442', 'WH-WEST'),
    );
    expect(await west.simulator.getInventoryBalance('SKU-10442', 'WH-WEST')).not.toEqual(
      await east.simulator.getInventoryBalance('SKU-10442', 'WH-WEST'),
    );
    expect(west.calls.map((call) => call.operation)).toEqual(['getInventoryBalance']);
    expect(east.calls.filter((call) => call.operation === 'getInventoryBalance')).toEqual([]);
  });
});
