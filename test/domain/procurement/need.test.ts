import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../domain/decimal';
import { ContractViolation } from '../../../domain/failures';
import {
  calculateNeed,
  findOpenRequest,
  openSupply,
  orderQuantityFor,
  toEaches,
  type SupplySnapshot,
  type UnitOfMeasure,
} from '../../../domain/procurement';
import { exception, noSupply, poLine, request } from './fixtures';

const scope = {
  itemCode: 'SKU-10442',
  site: 'DC-EAST-02',
  bucket: { start: '2026-12-07', end: '2026-12-13' },
};

describe('conversion to eaches', () => {
  it.each([
    ['EA', '7.5', 12, '7.5'],
    ['CS', '140', 12, '1680'],
    ['CS', '12.5', 12, '150'],
    ['PAL', '2', 40, '80'],
    ['EA', '7', '1', '7'],
  ] as const)('%s %s with pack size %s is %s eaches', (uom, qty, pack, eaches) => {
    expect(toEaches(qty, uom, pack).toString()).toBe(eaches);
  });

  it.each([0, -12, 1.5, 'twelve', NaN])('rejects pack size %j as a contract violation', (pack) => {
    expect(() => toEaches('1', 'CS', pack)).toThrow(ContractViolation);
  });

  it('rejects an unknown unit as a contract violation', () => {
    expect(() => toEaches('1', 'BOX' as UnitOfMeasure, 12)).toThrow(ContractViolation);
  });
});

describe('order quantity', () => {
  it.each([
    ['need 90, pack 12: ceil to the next pack multiple', '90', 12, '96'],
    ['need exactly a pack multiple', '96', 12, '96'],
    ['need of a fraction of an each', '0.5', 12, '12'],
    ['need 1 each over a multiple', '97', 12, '108'],
    ['pack size 1', '11.5', 1, '12'],
    ['need 0 orders nothing', '0', 12, '0'],
    ['negative need orders nothing', '-30', 12, '0'],
  ] as const)('%s', (_name, need, pack, expected) => {
    expect(orderQuantityFor(need, pack).toString()).toBe(expected);
  });
});

describe('need', () => {
  it('follows need = forecast + safety stock - projected on hand - open supply, in eaches', () => {
    // the contract's example: 140 CS of 12, safety 30 CS, on hand 12.5 CS
    const need = calculateNeed(
      exception({ uom: 'CS', forecastQty: 140, safetyStock: 30, projectedOnHand: 12.5 }),
      noSupply,
    );
    expect(need.forecastEa.toString()).toBe('1680');
    expect(need.safetyStockEa.toString()).toBe('360');
    expect(need.projectedOnHandEa.toString()).toBe('150');
    expect(need.openSupplyEa.toString()).toBe('0');
    expect(need.needEa.toString()).toBe('1890');
    expect(need.orderQuantityEa.toString()).toBe('1896');
  });

  it('subtracts open supply and lets negative on hand (back orders) add to the need', () => {
    const supply: SupplySnapshot = {
      sourcingRequests: [request({ quantityEa: '24' })],
      purchaseOrderLines: [poLine()],
    };
    const need = calculateNeed(exception({ forecastQty: 100, safetyStock: 10, projectedOnHand: -5 }), supply);
    expect(need.openSupplyEa.toString()).toBe('48');
    expect(need.needEa.toString()).toBe('67');
    expect(need.orderQuantityEa.toString()).toBe('72');
  });

  it('leaves the request to amend out of open supply', () => {
    const supply: SupplySnapshot = {
      sourcingRequests: [request({ quantityEa: '96' })],
      purchaseOrderLines: [],
    };
    const need = calculateNeed(exception({ forecastQty: 100 }), supply, { excludeRequestId: 'SR-000123' });
    expect(need.openSupplyEa.toString()).toBe('0');
    expect(need.orderQuantityEa.toString()).toBe('108');
    expect(need.excludedRequestId).toBe('SR-000123');
  });

  it('orders nothing when supply covers the need', () => {
    const need = calculateNeed(exception({ forecastQty: 100, projectedOnHand: 120 }), noSupply);
    expect(need.needEa.toString()).toBe('-20');
    expect(need.orderQuantityEa).toEqual(Decimal.ZERO);
  });

  it.each([
    ['negative forecast', { forecastQty: -1 }],
    ['negative safety stock', { safetyStock: -1 }],
    ['malformed bucket date', { bucket: { start: '2026-12-7', end: '2026-12-13' } }],
    ['impossible bucket date', { bucket: { start: '2026-02-30', end: '2026-03-06' } }],
    ['bucket ending before it starts', { bucket: { start: '2026-12-13', end: '2026-12-07' } }],
  ])('rejects a %s as a contract violation', (_name, overrides) => {
    expect(() => calculateNeed(exception(overrides), noSupply)).toThrow(ContractViolation);
  });
});

describe('open supply', () => {
  const total = (supply: Partial<SupplySnapshot>, exclude?: string) =>
    openSupply(scope, { ...noSupply, ...supply }, exclude).totalEa.toString();

  it.each([
    ['an open sourcing request in the bucket counts', [request()], '48'],
    ['an awarded request does not count (its PO does)', [request({ status: 'awarded' })], '0'],
    ['a cancelled request does not count', [request({ status: 'cancelled' })], '0'],
    ['another item does not count', [request({ itemCode: 'SKU-1' })], '0'],
    ['another site does not count', [request({ site: 'DC-WEST-01' })], '0'],
    ['need-by on the bucket start counts', [request({ needBy: '2026-12-07' })], '48'],
    ['need-by on the bucket end counts', [request({ needBy: '2026-12-13' })], '48'],
    ['need-by the day before the bucket does not count', [request({ needBy: '2026-12-06' })], '0'],
    ['need-by the day after the bucket does not count', [request({ needBy: '2026-12-14' })], '0'],
  ] as const)('%s', (_name, sourcingRequests, expected) => {
    expect(total({ sourcingRequests })).toBe(expected);
  });

  it.each([
    ['an unconfirmed PO line counts its ordered quantity', poLine(), '24'],
    [
      'a confirmed PO line counts its confirmed quantity',
      poLine({ status: 'acknowledged', confirmedQtyEa: '20' }),
      '20',
    ],
    ['a draft PO line counts', poLine({ status: 'draft' }), '24'],
    [
      'a partly received PO line counts what is still to come',
      poLine({ status: 'partially_received', confirmedQtyEa: '20', receivedQtyEa: '12' }),
      '8',
    ],
    ['a received PO line does not count', poLine({ status: 'received' }), '0'],
    ['a closed PO line does not count', poLine({ status: 'closed' }), '0'],
    ['a cancelled PO line does not count', poLine({ status: 'cancelled' }), '0'],
    ['a PO line for another site does not count', poLine({ site: 'DC-WEST-01' }), '0'],
    ['a PO line needed after the bucket does not count', poLine({ needBy: '2026-12-14' }), '0'],
  ] as const)('%s', (_name, line, expected) => {
    expect(total({ purchaseOrderLines: [line] })).toBe(expected);
  });

  it('leaves out only the request to amend and lists what counted', () => {
    const supply = openSupply(
      scope,
      {
        sourcingRequests: [
          request(),
          request({ requestId: 'SR-000124', quantityEa: '12', needBy: '2026-12-10' }),
        ],
        purchaseOrderLines: [poLine()],
      },
      'SR-000123',
    );
    expect(supply.totalEa.toString()).toBe('36');
    expect(supply.contributions.map((c) => c.reference)).toEqual(['SR-000124', 'PO-2026-004411/1']);
  });

  it('rejects a malformed need-by date rather than guessing', () => {
    expect(() => total({ sourcingRequests: [request({ needBy: '07/12/2026' })] })).toThrow(ContractViolation);
  });
});

describe('the open request to amend', () => {
  it('is the open request for the same item, site and bucket needed earliest', () => {
    const found = findOpenRequest(scope, [
      request({ requestId: 'SR-3', needBy: '2026-12-10' }),
      request({ requestId: 'SR-2', status: 'awarded', needBy: '2026-12-07' }),
      request({ requestId: 'SR-4', needBy: '2026-12-08' }),
      request({ requestId: 'SR-1', needBy: '2026-12-14' }),
    ]);
    expect(found?.requestId).toBe('SR-4');
  });

  it('is absent when no open request is in the bucket', () => {
    expect(findOpenRequest(scope, [request({ needBy: '2026-12-14' })])).toBeUndefined();
  });
});
