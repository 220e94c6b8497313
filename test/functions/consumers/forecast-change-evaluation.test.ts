import type { Logger } from '@aws-lambda-powertools/logger';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../../canonical/envelope';
import type { ForecastLinesChangedV1 } from '../../../canonical/generated/types';
import type { CommitmentState } from '../../../domain/commitment/types';
import { BusinessRejection } from '../../../domain/failures';
import { DEFAULT_BULK_EVALUATION_SETTINGS } from '../../../domain/forecast-sync';
import { DEFAULT_PROCUREMENT_POLICY } from '../../../domain/procurement/policy';
import {
  evaluateForecastChanges,
  type ChangeEvaluationPorts,
} from '../../../functions/consumers/forecast-change-evaluation';
import { singleErp } from '../../../domain/business-units';
import type { ErpPort } from '../../../domain/ports/erp';

/** A fake ERP of only the methods a test needs, as the single instance. */
const erpsOf = (erp: Partial<ErpPort>) => singleErp(erp as ErpPort);

const logger = { info: () => undefined } as unknown as Logger;
const line = (itemCode: string, site: string, quantityEa: string, previousQuantityEa: string | null) => ({
  itemCode,
  site,
  weekStart: '2026-12-07',
  quantityEa,
  previousQuantityEa,
});

const changes = (lines: ReturnType<typeof line>[]): ForecastLinesChangedV1 =>
  ({
    eventId: '00000000-0000-4000-8000-000000000001',
    eventType: 'forecast.lines-changed',
    schemaVersion: '1.0',
    sourceSystem: 'planning',
    sourceObjectId: 'P:v2:p0:b0:e0',
    sourceVersion: 2,
    occurredAt: '2026-11-27T06:00:00Z',
    emittedAt: '2026-11-27T06:01:00Z',
    correlationId: 'fp_1',
    idempotencyKey: 'forecast-lines:P:v2:p0:b0:e0',
    tenantId: 'acme',
    data: { planId: 'PLAN', planVersion: 2, batchId: 'P:v2:p0:b0:e0', lines },
  }) as ForecastLinesChangedV1;

let listCalls: unknown[][];
let balanceCalls: string[];
let started: CommitmentState[];
let published: CanonicalEvent[];
let ports: ChangeEvaluationPorts;
beforeEach(() => {
  listCalls = [];
  balanceCalls = [];
  started = [];
  published = [];
  ports = {
    procurement: {
      listSourcingRequests: async (...args: unknown[]) => {
        listCalls.push(args);
        return [
          {
            requestId: 'SR-9',
            externalRef: 'manual-9',
            itemCode: 'DROP',
            site: 'DC-EAST-02',
            status: 'open',
            quantityEa: '100',
            needBy: '2026-12-07',
            supplierNumber: null,
            unitPrice: null,
            currency: null,
          },
        ];
      },
    },
    erps: erpsOf({
      getInventoryBalance: async (itemCode: string, warehouse: string) => {
        balanceCalls.push(`${itemCode}@${warehouse}`);
        if (itemCode === 'GHOST') throw new BusinessRejection('ITEM_UNKNOWN', 'unknown item', 'erp');
        return { onHandEa: '10', forecastEa: '999' };
      },
    }),
    supply: { openLines: async () => [], recordLines: async () => undefined },
    policy: DEFAULT_PROCUREMENT_POLICY,
    publish: async (events) => void published.push(...events),
    startCommitment: async (input) => void started.push(input),
    settings: { approvalTimeoutSeconds: 86400, acknowledgementTimeoutSeconds: 172800 },
    tenantId: 'acme',
    warehouseForSite: (site) => ({ 'DC-EAST-02': 'WH-EAST', 'DC-EAST-03': 'WH-EAST' })[site],
    bulk: DEFAULT_BULK_EVALUATION_SETTINGS,
    now: () => new Date('2026-11-27T06:02:00Z'),
    newId: () => crypto.randomUUID(),
  };
});

describe('evaluateForecastChanges', () => {
  it('evaluates only lines that may need action, with one request listing per message (bulk lane)', async () => {
    const report = await evaluateForecastChanges(
      changes([
        line('UP', 'DC-EAST-02', '200', '100'),
        line('UP', 'DC-EAST-03', '200', '100'),
        line('SMALL', 'DC-EAST-02', '110', '100'),
        line('NEW', 'DC-EAST-02', '500', null),
        line('DROP', 'DC-EAST-02', '0', '100'),
        line('UP', 'DC-NOWHERE', '200', '100'),
        line('GHOST', 'DC-EAST-02', '200', '100'),
      ]),
      { logger },
      ports,
    );
    expect(report.skipped).toMatchObject({
      NEW_LINE: 1,
      BELOW_THRESHOLD: 1,
      UNMAPPED_SITE: 1,
      UNKNOWN_TO_ERP: 1,
    });
    expect(report.evaluated).toBe(3);
    expect(listCalls).toEqual([[{ status: 'open' }, { lane: 'bulk' }]]);
    // Both DC-EAST sites share the warehouse: one balance read for UP.
    expect(balanceCalls).toEqual(['UP@WH-EAST', 'DROP@WH-EAST', 'GHOST@WH-EAST']);
    expect(started.map((state) => [state.exception!.itemCode, state.exception!.site, state.action])).toEqual([
      ['UP', 'DC-EAST-02', { kind: 'create', quantityEa: '190', needBy: '2026-12-07' }],
      ['UP', 'DC-EAST-03', { kind: 'create', quantityEa: '190', needBy: '2026-12-07' }],
      ['DROP', 'DC-EAST-02', { kind: 'cancel', requestId: 'SR-9' }],
    ]);
    expect(published.map((event) => event.eventType)).toEqual([
      'forecast-exception.evaluated',
      'forecast-exception.evaluated',
      'forecast-exception.evaluated',
    ]);
  });

  it('makes no call at all for a batch of new lines (a first load)', async () => {
    const report = await evaluateForecastChanges(
      changes([line('A', 'DC-EAST-02', '5', null)]),
      { logger },
      ports,
    );
    expect(report).toMatchObject({ evaluated: 0, skipped: { NEW_LINE: 1 } });
    expect(listCalls).toEqual([]);
    expect(balanceCalls).toEqual([]);
  });
});
