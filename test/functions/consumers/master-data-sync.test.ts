import type { Logger } from '@aws-lambda-powertools/logger';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildEvent, type CanonicalEvent } from '../../../canonical/envelope';
import type { ItemUpdatedV1, SupplierUpdatedV1 } from '../../../canonical/generated/types';
import { validateIntegrationExceptionRaisedV1 } from '../../../canonical/generated/validators';
import { erpInstances } from '../../../domain/business-units';
import { TransientFailure } from '../../../domain/failures';
import { syncMasterData, type MasterDataPorts } from '../../../functions/consumers/master-data-sync';
import { masterData } from '../../../local/seed/master-data';
import { ErpSimulator } from '../../../local/simulators/erp/erp-simulator';

const logger = { info: () => undefined, warn: () => undefined } as unknown as Logger;
const context = { now: () => new Date('2026-11-27T10:00:01Z'), newId: () => crypto.randomUUID() };

function supplierEvent(status: SupplierUpdatedV1['data']['status'], updatedAt: string): SupplierUpdatedV1 {
  const version = Date.parse(updatedAt);
  return buildEvent(
    'supplier.updated',
    { supplierNumber: 'S-1001', status, updatedAt },
    {
      sourceObjectId: 'S-1001',
      sourceVersion: version,
      occurredAt: updatedAt,
      correlationId: `supplier-${version}`,
      idempotencyKey: `supplier:S-1001:${version}`,
      tenantId: 'acme',
    },
    context,
  ) as SupplierUpdatedV1;
}

function itemEvent(version: number): ItemUpdatedV1 {
  return buildEvent(
    'item.updated',
    {
      itemCode: 'SKU-1',
      name: 'Bolt',
      status: 'INACTIVE',
      purchasable: true,
      baseUom: 'EA',
      updatedAt: '2026-11-27T10:00:00Z',
    },
    {
      sourceObjectId: 'SKU-1',
      sourceVersion: version,
      occurredAt: '2026-11-27T10:00:00Z',
      correlationId: 'item-1',
      idempotencyKey: `item:SKU-1:${version}`,
      tenantId: 'acme',
    },
    context,
  ) as ItemUpdatedV1;
}

type State = { system: string; state: string | null; version: number | null };
let states: Map<string, State>;
let stale: CanonicalEvent[];
let published: CanonicalEvent[];
let openCommitments: { poNumber: string; externalRef: string }[];
let ports: MasterDataPorts;
/** Two business units; `north` does not know S-1001. */
let erps: Record<'east' | 'west' | 'north', ErpSimulator>;
let westDown: boolean;
let applied: string[];
beforeEach(() => {
  westDown = false;
  applied = [];
  const faults = (instance: string) => ({
    beforeCall: (operation: string, args: readonly unknown[]) => {
      if (operation !== 'applySupplierChange') return;
      if (instance === 'west' && westDown) throw new TransientFailure('west ERP unreachable', 'erp:west');
      applied.push(`${instance}:${String(args[0])}`);
    },
  });
  erps = {
    east: new ErpSimulator({ faults: faults('east') }),
    west: new ErpSimulator({ faults: faults('west') }),
    north: new ErpSimulator({
      faults: faults('north'),
      data: { ...masterData, suppliers: masterData.suppliers.filter((s) => s.supplierNumber !== 'S-1001') },
    }),
  };
  // Like the idempotency table: a key's first success is remembered, a failure is not.
  const done = new Map<string, unknown>();
  states = new Map();
  stale = [];
  published = [];
  openCommitments = [];
  ports = {
    ledger: {
      status: async (ref) =>
        ({
          systems: [...states.entries()]
            .filter(([key]) => key.startsWith(`${ref.objectType}#${ref.objectId}#`))
            .map(([, state]) => state),
        }) as never,
      recordState: async (ref, state) =>
        void states.set(`${ref.objectType}#${ref.objectId}#${state.system}`, {
          system: state.system,
          state: state.state,
          version: state.version,
        }),
      recordStale: async (event) => void stale.push(event),
    },
    openCommitmentsOf: async () => openCommitments,
    publish: async (events) => void published.push(...events),
    metric: () => undefined,
    newId: () => crypto.randomUUID(),
    erps: erpInstances(
      [
        { name: 'east', warehouses: ['WH-EAST'] },
        { name: 'west', warehouses: ['WH-WEST'] },
        { name: 'north', warehouses: ['WH-NORTH'] },
      ],
      (instance) => erps[instance as keyof typeof erps],
    ),
    once: async <T>(key: string, work: () => Promise<T>): Promise<T> => {
      if (!done.has(key)) done.set(key, await work());
      return done.get(key) as T;
    },
  };
});

describe('syncMasterData', () => {
  it('records supplier and item states under the system that owns them', async () => {
    expect(await syncMasterData(supplierEvent('APPROVED', '2026-11-27T10:00:00Z'), { logger }, ports)).toBe(
      'recorded',
    );
    expect(await syncMasterData(itemEvent(5), { logger }, ports)).toBe('recorded');
    expect([...states]).toEqual([
      [
        'Supplier#S-1001#procurement',
        { system: 'procurement', state: 'APPROVED', version: Date.parse('2026-11-27T10:00:00Z') },
      ],
      ['Item#SKU-1#erp', { system: 'erp', state: 'INACTIVE', version: 5 }],
    ]);
  });

  it('keeps an older update as stale and ignores the same version again', async () => {
    await syncMasterData(supplierEvent('ON_HOLD', '2026-11-27T11:00:00Z'), { logger }, ports);
    const older = supplierEvent('APPROVED', '2026-11-27T10:00:00Z');
    expect(await syncMasterData(older, { logger }, ports)).toBe('stale');
    expect(await syncMasterData(supplierEvent('ON_HOLD', '2026-11-27T11:00:00Z'), { logger }, ports)).toBe(
      'duplicate',
    );
    expect(stale).toEqual([older]);
    expect(states.get('Supplier#S-1001#procurement')?.state).toBe('ON_HOLD');
  });

  it('raises an integration exception listing the open commitments of a supplier that gets blocked', async () => {
    openCommitments = [{ poNumber: 'PO-1', externalRef: 'SL-PO-SR-1' }];
    await syncMasterData(supplierEvent('BLOCKED', '2026-11-27T12:00:00Z'), { logger }, ports);
    expect(published).toHaveLength(1);
    expect(validateIntegrationExceptionRaisedV1(published[0])).toMatchObject({ ok: true });
    expect(published[0]).toMatchObject({
      data: { code: 'SUPPLIER_BLOCKED', objectType: 'Supplier', objectId: 'S-1001' },
    });
    expect((published[0]!.data as { message: string }).message).toContain('PO-1');
  });

  it('only records a hold when the supplier has no open commitment', async () => {
    await syncMasterData(supplierEvent('ON_HOLD', '2026-11-27T12:00:00Z'), { logger }, ports);
    expect(published).toEqual([]);
    expect(states.get('Supplier#S-1001#procurement')?.state).toBe('ON_HOLD');
  });

  it('applies a supplier put on hold to every ERP instance that knows it, and nothing to one that does not', async () => {
    await syncMasterData(supplierEvent('ON_HOLD', '2026-11-27T12:00:00Z'), { logger }, ports);
    expect(await erps.east.getSupplier('S-1001')).toMatchObject({ active: false });
    expect(await erps.west.getSupplier('S-1001')).toMatchObject({ active: false });
    expect(await erps.north.getSupplier('S-1001')).toBeNull();
    // Approved again: active again wherever it is known.
    await syncMasterData(supplierEvent('APPROVED', '2026-11-27T13:00:00Z'), { logger }, ports);
    expect(await erps.east.getSupplier('S-1001')).toMatchObject({ active: true });
    expect(await erps.west.getSupplier('S-1001')).toMatchObject({ active: true });
  });

  it('with one instance down applies the others at once, and the redelivery only the one that waited', async () => {
    westDown = true;
    const hold = supplierEvent('BLOCKED', '2026-11-27T12:00:00Z');
    // The consumer framework defers a TransientFailure: waiting, not dead-lettered.
    await expect(syncMasterData(hold, { logger }, ports)).rejects.toBeInstanceOf(TransientFailure);
    expect(await erps.east.getSupplier('S-1001')).toMatchObject({ active: false });
    expect(await erps.west.getSupplier('S-1001')).toMatchObject({ active: true });
    expect(applied.sort()).toEqual(['east:S-1001', 'north:S-1001']);

    westDown = false;
    applied = [];
    expect(await syncMasterData(hold, { logger }, ports)).toBe('duplicate');
    expect(applied).toEqual(['west:S-1001']);
    expect(await erps.west.getSupplier('S-1001')).toMatchObject({ active: false });
    // Done everywhere: a further redelivery calls no ERP.
    applied = [];
    await syncMasterData(hold, { logger }, ports);
    expect(applied).toEqual([]);
  });

  it('applies no stale supplier update to the ERPs', async () => {
    await syncMasterData(supplierEvent('ON_HOLD', '2026-11-27T12:00:00Z'), { logger }, ports);
    applied = [];
    expect(await syncMasterData(supplierEvent('APPROVED', '2026-11-27T11:00:00Z'), { logger }, ports)).toBe(
      'stale',
    );
    expect(applied).toEqual([]);
    expect(await erps.east.getSupplier('S-1001')).toMatchObject({ active: false });
  });
});
