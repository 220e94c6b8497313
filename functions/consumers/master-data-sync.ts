/**
 * Standard lane consumer of `supplier.updated` (procurement) and `item.updated` (ERP): records the
 * state as the source system confirmed it in the sync ledger (`STATE#procurement` / `STATE#erp` of
 * `Supplier#<number>` / `Item#<code>`). Updates are not ordered: one whose sourceVersion is below
 * the recorded one is kept as STALE and not applied; the same version is a duplicate.
 *
 * A supplier becoming BLOCKED or ON_HOLD: the posted commitments not yet fully received with that
 * supplier are looked up (a scan, acceptable for a rare event) and, when there are any, an
 * integration exception lists them for a person (their goods may not come).
 *
 * A supplier update then applies to every ERP instance that knows the supplier
 * (domain/supplier-master.ts), each instance once per version under its own key: when one instance
 * is down its failure defers the message (the consumer framework), and the redelivery, which finds
 * the procurement state already recorded (a duplicate), applies only the instances still missing.
 *
 * The read-then-write version check is not atomic: two updates of one object processed at the same
 * moment could both pass it. The ledger's recordState is a plain put; a conditional put on the
 * version belongs in SyncLedger when that matters.
 *
 * Environment: SYNC_LEDGER_TABLE_NAME, WORKFLOW_CORRELATION_TABLE_NAME, TENANT_ID, the ERP
 * instances' (functions/commons/connectors.ts), and the consumer framework's (DEAD_LETTER_QUEUE_URL, IDEMPOTENCY_TABLE_NAME, EVENT_BUS_NAME, MAX_RECEIVE_COUNT).
 */
import { validateItemUpdatedV1, validateSupplierUpdatedV1 } from '../../canonical/generated/validators';
import { createHash } from 'node:crypto';
import type { SyncLedger } from '../../adapters/aws/sync-ledger';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import type { ItemUpdatedV1, SupplierUpdatedV1 } from '../../canonical/generated/types';
import type { PostedPurchaseOrder } from '../../domain/commitment/types';
import { fanOutSupplierChange, type SupplierFanOutPorts } from '../../domain/supplier-master';
import { canonicalValidators, type ConsumerContext } from '../commons/consumer';
import { consumerHandler } from './composition';
import { masterDataPorts } from './master-data-ports';

const HOLD_STATUSES: ReadonlySet<string> = new Set(['BLOCKED', 'ON_HOLD']);

export interface MasterDataPorts extends SupplierFanOutPorts {
  ledger: Pick<SyncLedger, 'status' | 'recordState' | 'recordStale'>;
  /** Posted commitments not fully received with this supplier. */
  openCommitmentsOf(supplierNumber: string): Promise<Pick<PostedPurchaseOrder, 'poNumber' | 'externalRef'>[]>;
  publish(events: readonly CanonicalEvent[]): Promise<void>;
  metric(name: string, value: number, unit: 'Count', dimensions?: Record<string, string>): void;
  newId(): string;
}

export type MasterDataOutcome = 'recorded' | 'stale' | 'duplicate';

/** Records one supplier or item update (see the file header). */
export async function syncMasterData(
  event: SupplierUpdatedV1 | ItemUpdatedV1,
  ctx: Pick<ConsumerContext, 'logger'>,
  ports: MasterDataPorts,
): Promise<MasterDataOutcome> {
  const supplier = event.eventType === 'supplier.updated' ? event.data : undefined;
  const ref = supplier
    ? { objectType: 'Supplier', objectId: supplier.supplierNumber }
    : { objectType: 'Item', objectId: (event as ItemUpdatedV1).data.itemCode };
  const system = supplier ? 'procurement' : 'erp';
  const known = (await ports.ledger.status(ref)).systems.find((state) => state.system === system);
  if (known?.version !== null && known?.version !== undefined && event.sourceVersion <= known.version) {
    const outcome = event.sourceVersion < known.version ? 'stale' : 'duplicate';
    if (outcome === 'stale') await ports.ledger.recordStale(event);
    ports.metric('StaleVersionsIgnored', 1, 'Count', { ObjectType: ref.objectType });
    ctx.logger.info(`master data update ${outcome}: not recorded again`, {
      ...ref,
      sourceVersion: event.sourceVersion,
      recordedVersion: known.version,
    });
    // A duplicate may be the redelivery of a change an ERP instance still waits for; a stale one is superseded.
    if (supplier && outcome === 'duplicate') await applyToErps(supplier, event.sourceVersion, ctx, ports);
    return outcome;
  }
  await ports.ledger.recordState(ref, {
    system,
    reference: ref.objectId,
    state: event.data.status,
    version: event.sourceVersion,
    confirmedAt: event.data.updatedAt,
  });

  if (supplier && HOLD_STATUSES.has(supplier.status) && known?.state !== supplier.status) {
    const open = await ports.openCommitmentsOf(supplier.supplierNumber);
    ports.metric('SuppliersOnHold', 1, 'Count', { Status: supplier.status });
    if (open.length > 0) await ports.publish([supplierOnHold(event as SupplierUpdatedV1, open, ports.newId)]);
    ctx.logger.warn('supplier blocked or on hold', {
      supplierNumber: supplier.supplierNumber,
      status: supplier.status,
      openCommitments: open.map((po) => po.poNumber),
    });
  }
  if (supplier) await applyToErps(supplier, event.sourceVersion, ctx, ports);
  return 'recorded';
}

/** The supplier's change in every ERP instance that knows it (rejects while one of them fails). */
async function applyToErps(
  supplier: SupplierUpdatedV1['data'],
  version: number,
  ctx: Pick<ConsumerContext, 'logger'>,
  ports: MasterDataPorts,
): Promise<void> {
  const outcomes = await fanOutSupplierChange(supplier, version, ports);
  ctx.logger.info('supplier change applied to the ERP instances', {
    supplierNumber: supplier.supplierNumber,
    status: supplier.status,
    instances: outcomes,
  });
}

/** The integration exception listing a held supplier's open commitments (one per supplier version). */
function supplierOnHold(
  event: SupplierUpdatedV1,
  open: readonly Pick<PostedPurchaseOrder, 'poNumber' | 'externalRef'>[],
  newId: () => string,
): CanonicalEvent {
  const { supplierNumber, status } = event.data;
  const exceptionId = `EXC-${createHash('sha256').update(`supplier-hold|${supplierNumber}|${event.sourceVersion}`).digest('hex').slice(0, 32)}`;
  const listed = open.slice(0, 50).map((po) => po.poNumber);
  const at = new Date(event.data.updatedAt);
  return buildEvent(
    'integration-exception.raised',
    {
      exceptionId,
      category: 'BUSINESS',
      code: status === 'BLOCKED' ? 'SUPPLIER_BLOCKED' : 'SUPPLIER_ON_HOLD',
      message:
        `Supplier ${supplierNumber} is now ${status.toLowerCase().replace('_', ' ')} with ${open.length} open purchase order(s): ${listed.join(', ')}${open.length > listed.length ? ', ...' : ''}.`.slice(
          0,
          2000,
        ),
      status: 'OPEN',
      objectType: 'Supplier',
      objectId: supplierNumber,
      system: 'procurement',
      raisedAt: at.toISOString(),
      details: JSON.stringify({ openCommitments: open.slice(0, 200) }).slice(0, 16_000),
    },
    {
      sourceObjectId: exceptionId,
      sourceVersion: event.sourceVersion,
      occurredAt: at,
      correlationId: event.correlationId,
      causationId: event.eventId,
      idempotencyKey: `IntegrationException#${exceptionId}`,
      tenantId: event.tenantId,
    },
    { now: () => new Date(), newId },
  );
}

export const handler = consumerHandler({
  name: 'master-data-sync',
  validators: canonicalValidators({
    'supplier.updated': validateSupplierUpdatedV1,
    'item.updated': validateItemUpdatedV1,
  }),
  process: async (event, ctx) => {
    await syncMasterData(event as SupplierUpdatedV1 | ItemUpdatedV1, ctx, masterDataPorts());
  },
});
