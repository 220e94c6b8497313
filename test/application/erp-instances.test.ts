/** ERP instances per environment: the single-ERP default, context declarations, what is refused. */
import { describe, expect, it } from 'vitest';
import { loadEnvironmentConfig } from '../../application/environments';
import {
  ERP_INSTANCES_ENV_VAR,
  erpEndpoint,
  erpInstanceEnvVars,
  erpInstancesFromEnvironment,
  erpInstancesOf,
  erpInstancesVariable,
  type ErpInstance,
} from '../../application/erp-instances';
import { EAST_INSTANCE, WEST_INSTANCE } from '../fixtures/erp-instances';

const EAST: ErpInstance = { ...EAST_INSTANCE, warehouses: ['WH-EAST', 'WH-NORTH'] };
const WEST: ErpInstance = { ...WEST_INSTANCE, protocol: 'tryton', warehouses: ['WH-WEST', 'WH-SOUTH'] };
const declared = (instances: unknown) => (key: string) =>
  key === 'erpInstances' ? JSON.stringify(instances) : undefined;

describe('ERP instances of an environment', () => {
  it('has one primary instance from the single-ERP settings, holding every warehouse, when none is declared', () => {
    const config = loadEnvironmentConfig('prod', {
      context: (key) => ({ erpBaseUrl: 'https://erp.example.com', erpDatabase: 'acme' })[key as 'erpBaseUrl'],
    });
    expect(config.erpInstances).toBeUndefined();
    expect(erpInstancesOf(config)).toEqual([
      {
        name: 'primary',
        protocol: 'tryton',
        baseUrl: 'https://erp.example.com',
        database: 'acme',
        codeTables: 'erp',
        warehouses: ['WH-EAST', 'WH-NORTH', 'WH-SOUTH', 'WH-WEST'],
        requestBudget: { requestsPerSecond: 20, burst: 40 },
      },
    ]);
    // A single instance changes nothing the functions are given.
    expect(erpInstancesVariable(erpInstancesOf(config))).toBeUndefined();
  });

  it('takes the instances of context erpInstances, with defaults for protocol, code tables and budget', () => {
    const { protocol: _p, codeTables: _c, requestBudget: _b, ...bare } = WEST;
    const config = loadEnvironmentConfig('prod', { context: declared([EAST, bare]) });
    expect(config.erpInstances).toEqual([
      EAST,
      { ...WEST, requestBudget: { requestsPerSecond: 20, burst: 40 } },
    ]);
  });

  it('refuses a warehouse in two instances, a site whose warehouse no instance holds, and bad settings', () => {
    const bad = [
      { ...EAST, warehouses: ['WH-EAST', 'WH-WEST'] },
      {
        ...WEST,
        name: 'West Coast',
        protocol: 'sap',
        baseUrl: 'http://erp-west.example.com',
        requestBudget: { requestsPerSecond: 0, burst: 1 },
      },
    ];
    expect(() => loadEnvironmentConfig('prod', { context: declared(bad) })).toThrow(
      new RegExp(
        [
          "ERP instance 'West Coast': name must be kebab-case",
          "warehouse 'WH-WEST' is in ERP instances 'east' and 'West Coast'",
          "site 'DC-NORTH-01' maps to warehouse 'WH-NORTH', which no ERP instance holds",
          "ERP instance 'West Coast': protocol must be 'tryton' or 'simulator'",
          "ERP instance 'West Coast': baseUrl 'http://erp-west.example.com' must be https://",
          "ERP instance 'West Coast': requestBudget needs requestsPerSecond > 0",
        ]
          .map((line) => line.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
          .join('[\\s\\S]*'),
      ),
    );
    expect(() =>
      loadEnvironmentConfig('prod', { context: (k) => (k === 'erpInstances' ? '{' : undefined) }),
    ).toThrow(/erpInstances is not JSON/);
  });

  it('keeps the single-ERP names for the primary instance and gives every other instance its own', () => {
    expect(erpInstanceEnvVars('east', 0)).toEqual({
      baseUrl: 'ERP_BASE_URL',
      database: 'ERP_DATABASE',
      protocol: 'ERP_PROTOCOL',
      credentialsSecretArn: 'ERP_CREDENTIALS_SECRET_ARN',
    });
    expect(erpInstanceEnvVars('west-coast', 1)).toEqual({
      baseUrl: 'ERP_WEST_COAST_BASE_URL',
      database: 'ERP_WEST_COAST_DATABASE',
      protocol: 'ERP_WEST_COAST_PROTOCOL',
      credentialsSecretArn: 'ERP_WEST_COAST_CREDENTIALS_SECRET_ARN',
    });
    expect([erpEndpoint('east', 0), erpEndpoint('west', 1)]).toEqual(['erp', 'erp:west']);
  });

  it('gives functions the routing and budgets of several instances, and the single instance without it', () => {
    const variable = erpInstancesVariable([EAST, WEST]);
    expect(erpInstancesFromEnvironment({ [ERP_INSTANCES_ENV_VAR]: variable })).toEqual([
      { name: 'east', warehouses: EAST.warehouses, requestBudget: EAST.requestBudget },
      { name: 'west', warehouses: WEST.warehouses, requestBudget: WEST.requestBudget },
    ]);
    expect(erpInstancesFromEnvironment({})).toEqual([
      { name: 'primary', warehouses: [], requestBudget: { requestsPerSecond: 20, burst: 40 } },
    ]);
  });
});
