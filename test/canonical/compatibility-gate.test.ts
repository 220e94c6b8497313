import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkCompatibility,
  findBreakingChanges,
  type CurrentContract,
} from '../../canonical/governance/compatibility';
import { readReleasedContracts } from '../../canonical/governance/current';
import type { Schema } from '../../canonical/schemas/dsl';
import { ROOT } from '../../scripts/codegen/generate';
import { allCurrentContracts, routeContracts } from '../../scripts/codegen/route-contracts';
import { API_ROUTES, type ApiRouteDefinition } from '../../application/api-routes';

describe('compatibility gate', () => {
  it('holds: every released contract is still published and changed only compatibly', () => {
    const released = readReleasedContracts(join(ROOT, 'canonical', 'released'));
    expect(Object.keys(released.documents).length).toBeGreaterThan(0);
    expect(checkCompatibility(released, allCurrentContracts())).toEqual([]);
  });
});

const released: Schema = {
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 10 },
    status: { type: 'string', enum: ['OPEN', 'CLOSED'] },
    qty: { type: 'number', minimum: 0 },
    lines: { type: 'array', items: { $ref: '#/$defs/Line' }, maxItems: 5 },
    note: { type: 'string' },
  },
  required: ['id', 'status'],
  additionalProperties: false,
  $defs: { Line: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] } },
};

const clone = (): Schema => JSON.parse(JSON.stringify(released)) as Schema;

describe('breaking change detection', () => {
  const cases: { name: string; change: (schema: Schema) => void; expected: RegExp }[] = [
    { name: 'removed field', change: (s) => delete s.properties!.note, expected: /property note removed/ },
    {
      name: 'renamed field',
      change: (s) => {
        s.properties!.identifier = s.properties!.id!;
        delete s.properties!.id;
      },
      expected: /property id removed/,
    },
    {
      name: 'narrowed type',
      change: (s) => (s.properties!.qty = { type: 'integer' }),
      expected: /type number no longer accepted/,
    },
    {
      name: 'new required field',
      change: (s) => s.required!.push('note'),
      expected: /note is newly required/,
    },
    {
      name: 'removed enum value',
      change: (s) => (s.properties!.status = { type: 'string', enum: ['OPEN'] }),
      expected: /enum value "CLOSED" removed/,
    },
    {
      name: 'lowered maxLength',
      change: (s) => (s.properties!.id!.maxLength = 5),
      expected: /maxLength lowered to 5/,
    },
    {
      name: 'raised minimum',
      change: (s) => (s.properties!.qty!.minimum = 1),
      expected: /minimum raised to 1/,
    },
    {
      name: 'change inside a referenced definition',
      change: (s) => (s.$defs!.Line!.required = ['sku', 'qty']),
      expected: /\/lines\/items: property qty is newly required/,
    },
  ];
  for (const { name, change, expected } of cases) {
    it(`flags a ${name}`, () => {
      const current = clone();
      change(current);
      const changes = findBreakingChanges(released, current).map((c) => `${c.path}: ${c.change}`);
      expect(changes.join('\n')).toMatch(expected);
    });
  }

  it('accepts compatible changes: a new optional field, a new enum value, a widened bound', () => {
    const current = clone();
    current.properties!.extra = { type: 'string' };
    current.properties!.status = { type: 'string', enum: ['OPEN', 'CLOSED', 'ON_HOLD'] };
    current.properties!.id!.maxLength = 20;
    current.properties!.qty = { type: 'number' };
    expect(findBreakingChanges(released, current)).toEqual([]);
  });
});

describe('catalog rules', () => {
  const contract = (overrides: Partial<CurrentContract> & { document: Schema }): CurrentContract => ({
    name: 'events/po.posted.v1',
    version: '1.0',
    eventType: 'po.posted',
    major: 1,
    ...overrides,
  });
  const releasedSet = {
    documents: { 'events/po.posted.v1': released },
    versions: { 'events/po.posted.v1': '1.0' },
  };

  it('fails a breaking change published under the same major', () => {
    const current = clone();
    delete current.properties!.note;
    const problems = checkCompatibility(releasedSet, [contract({ document: current, version: '1.1' })]);
    expect(problems).toEqual([
      'events/po.posted.v1: breaking change at /: property note removed (publish a new major version)',
    ]);
  });

  it('passes the same breaking change published as v2 with v1 kept and deprecated', () => {
    const v2 = clone();
    delete v2.properties!.note;
    const problems = checkCompatibility(releasedSet, [
      contract({ document: released, sunset: '2027-03-01' }),
      contract({ name: 'events/po.posted.v2', document: v2, version: '2.0', major: 2 }),
    ]);
    expect(problems).toEqual([]);
  });

  it('fails when v2 is published but v1 is not deprecated with a sunset date', () => {
    const problems = checkCompatibility(releasedSet, [
      contract({ document: released }),
      contract({ name: 'events/po.posted.v2', document: clone(), version: '2.0', major: 2 }),
    ]);
    expect(problems.join('\n')).toMatch(/po.posted v1 is superseded by v2 and must be deprecated/);
  });

  it('fails when a released major is dropped', () => {
    const problems = checkCompatibility(releasedSet, [
      contract({ name: 'events/po.posted.v2', document: clone(), version: '2.0', major: 2 }),
    ]);
    expect(problems.join('\n')).toMatch(/released and is no longer published/);
  });

  it('fails a compatible change whose minor version was not raised', () => {
    const current = clone();
    current.properties!.extra = { type: 'string' };
    expect(checkCompatibility(releasedSet, [contract({ document: current })]).join('\n')).toMatch(
      /version 1.0 was not raised/,
    );
    expect(checkCompatibility(releasedSet, [contract({ document: current, version: '1.1' })])).toEqual([]);
  });
});

describe('API operations', () => {
  const releasedOf = (contracts: readonly CurrentContract[]) => ({
    documents: Object.fromEntries(
      contracts.map((c) => [c.name, JSON.parse(JSON.stringify(c.document)) as Schema]),
    ),
    versions: Object.fromEntries(contracts.map((c) => [c.name, c.version])),
  });
  const releasedRoutes = releasedOf(routeContracts());
  const audit = (routes: readonly ApiRouteDefinition[]) =>
    checkCompatibility(releasedRoutes, routeContracts(routes)).join('\n');
  const answerOf = (name: string, change: (schema: Schema) => void): CurrentContract[] =>
    routeContracts().map((c) => {
      if (c.name !== name) return c;
      const document = JSON.parse(JSON.stringify(c.document)) as Schema;
      change(document);
      return { ...c, document };
    });

  it('holds the released operations as declared', () => {
    expect(Object.keys(releasedRoutes.documents)).toContain('responses/listIntegrationExceptions');
    expect(audit(API_ROUTES)).toBe('');
  });

  it('fails when a released route is removed', () => {
    const without = API_ROUTES.filter(
      (route) => route.contract?.operationId !== 'getPurchaseOrderSyncStatus',
    );
    expect(audit(without)).toMatch(
      /responses\/getPurchaseOrderSyncStatus was released and is no longer published/,
    );
  });

  it('fails when a released route moves to another path', () => {
    const moved = API_ROUTES.map((route) =>
      route.contract?.operationId === 'getPurchaseOrderSyncStatus'
        ? { ...route, path: '/v1/purchase-orders/{poId}/sync-status' as const }
        : route,
    );
    expect(audit(moved)).toMatch(/released as GET \/v1\/purchase-orders\/\{poId\}\/sync and is now GET/);
  });

  it('fails when a field is removed from an answer, or a type narrowed', () => {
    const removed = answerOf('responses/getPurchaseOrderSyncStatus', (s) => {
      delete s.properties!.history;
    });
    expect(checkCompatibility(releasedRoutes, removed).join('\n')).toMatch(/property history removed/);
    const narrowed = answerOf('responses/getPurchaseOrderSyncStatus', (s) => {
      s.$defs!.SyncLag!.properties!.lagSeconds = { type: 'integer' };
    });
    expect(checkCompatibility(releasedRoutes, narrowed).join('\n')).toMatch(
      /\/lags\/items\/lagSeconds: type number no longer accepted/,
    );
  });

  it('fails when an answer widens: a required field made optional, a new enum value', () => {
    const optional = answerOf('responses/listIntegrationExceptions', (s) => {
      s.$defs!.AgedIntegrationException!.required = ['exceptionId'];
    });
    expect(checkCompatibility(releasedRoutes, optional).join('\n')).toMatch(
      /property category may now be absent/,
    );
    const widened = answerOf('responses/listIntegrationExceptions', (s) => {
      s.$defs!.AgedIntegrationException!.properties!.status!.enum = ['OPEN', 'RESOLVED', 'IGNORED'];
    });
    expect(checkCompatibility(releasedRoutes, widened).join('\n')).toMatch(/enum value "IGNORED" added/);
  });

  it('fails when a parameter is narrowed', () => {
    const narrowed = answerOf('parameters/getPurchaseOrderSyncStatus', (s) => {
      s.properties!.poId!.maxLength = 10;
    });
    expect(checkCompatibility(releasedRoutes, narrowed).join('\n')).toMatch(/poId: maxLength lowered to 10/);
  });

  it('passes an optional field added to an answer with the route’s minor version raised', () => {
    const grown = answerOf('responses/getPurchaseOrderSyncStatus', (s) => {
      s.properties!.asOf = { type: 'string' };
    }).map((c) => (c.name === 'responses/getPurchaseOrderSyncStatus' ? { ...c, version: '1.1' } : c));
    expect(checkCompatibility(releasedRoutes, grown)).toEqual([]);
  });
});
