/** Shipment milestones for tests: an 856's segments read and turned into the canonical event. */
import type { ShipmentMilestoneReportedV1 } from '../../canonical/generated/types';
import {
  readAdvanceShipNotice856,
  shipmentMilestoneEvent,
  type AdvanceShipNotice,
} from '../../domain/edi/advance-ship-notice-856';
import type { PostedPurchaseOrder } from '../../domain/commitment/types';
import type { PostPurchaseOrderRequest } from '../../domain/ports/erp';
import type { ShipmentVersions } from '../../domain/ports/shipment-versions';
import { PARTNER } from '../fixtures/edi';

/** The `shipment.milestone-reported` of an 856 set (ST..SE lines) from the demo partner. */
export function milestoneOf(lines: readonly string[], now = () => new Date()): ShipmentMilestoneReportedV1 {
  const segments = lines.map((line) => {
    const [tag, ...elements] = line.split('*');
    return { tag: tag!, elements };
  });
  const asn = readAdvanceShipNotice856(
    { header: segments[0]!, segments: segments.slice(1, -1), trailer: segments.at(-1)! },
    PARTNER,
  );
  if (typeof asn === 'string') throw new Error(asn);
  return shipmentMilestoneEvent(asn as AdvanceShipNotice, {
    partner: PARTNER,
    reference: `edi:${PARTNER.partnerId}:000000301:56:${lines[0]!.split('*')[2]}`,
    tenantId: 'dev',
    now,
    newId: () => crypto.randomUUID(),
  }) as ShipmentMilestoneReportedV1;
}

/** The commitment Supplyline recorded for an order posted with `request` under `poNumber`. */
export function postedCommitment(poNumber: string, request: PostPurchaseOrderRequest): PostedPurchaseOrder {
  return {
    externalRef: request.externalRef,
    poNumber,
    erpNumber: '',
    supplierNumber: request.supplierNumber,
    site: 'DC-EAST-02',
    warehouseCode: request.warehouseCode,
    currency: request.currency,
    totalValue: '0',
    sourcingRequestId: 'SR-1',
    lines: request.lines.map((line, index) => ({
      lineNo: index + 1,
      itemCode: line.itemCode,
      quantityEa: line.quantityEa,
      unitPrice: line.unitPrice,
      needBy: line.deliveryDate,
    })),
    postedAt: '2026-11-27T09:30:00.000Z',
  };
}

/**
 * Shipment versions in a map, as DynamoDbShipmentVersions keeps them (the same cases run against
 * both in test/adapters/edi/shipment-versions-contract.ts).
 */
export function memoryShipmentVersions(now: () => Date = () => new Date()): ShipmentVersions {
  const versions = new Map<string, { issuedAt: number; applyingUntil: number }>();
  const keyOf = (supplierNumber: string, shipmentId: string) => `${supplierNumber}\u0000${shipmentId}`;
  return {
    take: async (supplierNumber, shipmentId, issuedAt, until) => {
      const key = keyOf(supplierNumber, shipmentId);
      const issued = Date.parse(issuedAt);
      const kept = versions.get(key);
      if (
        !kept ||
        kept.issuedAt === issued ||
        (kept.issuedAt < issued && kept.applyingUntil <= now().getTime())
      ) {
        versions.set(key, { issuedAt: issued, applyingUntil: Date.parse(until) });
        return { outcome: 'taken' };
      }
      if (kept.issuedAt > issued)
        return { outcome: 'superseded', latestIssuedAt: new Date(kept.issuedAt).toISOString() };
      return { outcome: 'busy', until: new Date(kept.applyingUntil).toISOString() };
    },
    release: async (supplierNumber, shipmentId, issuedAt) => {
      const kept = versions.get(keyOf(supplierNumber, shipmentId));
      if (kept?.issuedAt === Date.parse(issuedAt)) kept.applyingUntil = 0;
    },
  };
}
