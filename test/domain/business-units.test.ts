/** Which ERP instance a warehouse's work goes to. */
import { describe, expect, it } from 'vitest';
import { erpInstances, instanceOfWarehouse, singleErp } from '../../domain/business-units';
import type { ErpPort } from '../../domain/ports/erp';

const ROUTES = [
  { name: 'east', warehouses: ['WH-EAST'] },
  { name: 'west', warehouses: ['WH-WEST'] },
];
const port = (name: string) => ({ name }) as unknown as ErpPort;

describe('business units', () => {
  it('routes a warehouse to the instance that holds it', () => {
    const built: string[] = [];
    const erps = erpInstances(ROUTES, (instance) => {
      built.push(instance);
      return port(instance);
    });
    expect(erps.forWarehouse('WH-WEST')).toEqual(port('west'));
    expect(erps.forWarehouse('WH-EAST')).toEqual(port('east'));
    expect(built).toEqual(['west', 'east']);
    expect(erps.all().map((entry) => entry.instance)).toEqual(['east', 'west']);
  });

  it('reads the primary instance for a site with no warehouse or a warehouse of no instance', () => {
    const erps = erpInstances(ROUTES, port);
    expect(erps.forWarehouse(null)).toEqual(port('east'));
    expect(erps.forWarehouse('WH-MOON')).toEqual(port('east'));
    expect(instanceOfWarehouse(ROUTES, 'WH-MOON')).toBeUndefined();
  });

  it('lets a single instance hold every warehouse whatever it lists', () => {
    const erp = port('only');
    expect(singleErp(erp).forWarehouse('WH-ANY')).toBe(erp);
    expect(instanceOfWarehouse([{ name: 'only', warehouses: [] }], 'WH-ANY')?.name).toBe('only');
  });
});
