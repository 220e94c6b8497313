/**
 * The business units `npm start` runs (shared/contracts/business-rules.md, "Business units and ERP
 * instances"): east and west, each with its own embedded ERP simulator holding only its own
 * warehouses, their stock and their monthly budgets. Declared to the synth exactly as a deployment
 * declares them (`-c erpInstances=`, application/erp-instances.ts); the URLs are the simulators',
 * set when they start.
 */
import type { ErpInstance } from '../application/erp-instances';
import { masterData, type MasterData } from './seed/master-data';

/** East holds every warehouse but the west DC's; west the west DC's, with a smaller request budget. */
export const LOCAL_BUSINESS_UNITS: readonly ErpInstance[] = [
  {
    name: 'east',
    protocol: 'simulator',
    baseUrl: 'https://erp-east.set-by-the-local-runtime.invalid',
    database: 'east',
    codeTables: 'erp',
    warehouses: ['WH-EAST', 'WH-NORTH', 'WH-SOUTH'],
    requestBudget: { requestsPerSecond: 20, burst: 40 },
  },
  {
    name: 'west',
    protocol: 'simulator',
    baseUrl: 'https://erp-west.set-by-the-local-runtime.invalid',
    database: 'west',
    codeTables: 'erp',
    warehouses: ['WH-WEST'],
    requestBudget: { requestsPerSecond: 10, burst: 20 },
  },
];

/**
 * What one unit's ERP holds: the seed's items and suppliers (same codes in every instance), and of
 * the warehouses, their stock and budgets only its own.
 */
export function unitMasterData(
  unit: Pick<ErpInstance, 'warehouses'>,
  data: MasterData = masterData,
): MasterData {
  const own = (code: string) => unit.warehouses.includes(code);
  return {
    ...data,
    warehouses: data.warehouses.filter((warehouse) => own(warehouse.code)),
    openingStock: data.openingStock.filter((stock) => own(stock.warehouseCode)),
    monthlyBudgets: Object.fromEntries(Object.entries(data.monthlyBudgets).filter(([code]) => own(code))),
  };
}
