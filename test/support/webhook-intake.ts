/**
 * The webhook intake as the planning webhook function runs it, over the real delivery ledger and
 * quarantine on a local DynamoDB, for integration tests: signed deliveries and the intake's ports.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeliveryLedger } from '../../adapters/aws/delivery-ledger';
import { DeliveryQuarantine } from '../../adapters/aws/delivery-quarantine';
import { signPlanningPayload } from '../../adapters/planning/signature';
import type { ProcurementPurchaseOrderChanged } from '../../adapters/procurement/generated/types';
import { mapPurchaseOrderChanged, type TenantContext } from '../../adapters/procurement/mapping';
import { signProcurementPayload } from '../../adapters/procurement/signature';
import type {
  DeliveryKind,
  IntakePorts,
  VendorWebhook,
  WebhookRequest,
} from '../../adapters/webhooks/intake';

/** The planning signing secret these helpers sign and verify with. */
export const INTAKE_SECRET = 'planning-secret';

/** A `forecast.exception` delivery signed at `at`, handled by an invocation with 10 s left. */
export function signedPlanningDelivery(body: string, deliveryId: string, at: Date): WebhookRequest {
  const raw = Buffer.from(body);
  return {
    headers: {
      'content-type': 'application/json',
      'x-planning-event': 'forecast.exception',
      'x-planning-delivery': deliveryId,
      'x-planning-signature': signPlanningPayload(raw, [INTAKE_SECRET], at),
    },
    body: raw,
    requestId: `req-${deliveryId}`,
    deadline: new Date(at.getTime() + 10_000),
  };
}

/** A procurement delivery of `event` signed at `at` (procurement sends no delivery id). */
export function signedProcurementDelivery(
  event: string,
  body: string,
  at: Date,
  secret = INTAKE_SECRET,
): WebhookRequest {
  const raw = Buffer.from(body);
  const signed = signProcurementPayload(raw, secret, at);
  return {
    headers: {
      'content-type': 'application/json',
      'x-proc-event': event,
      'x-proc-timestamp': signed.timestamp,
      'x-proc-signature': signed.signature,
    },
    body: raw,
    requestId: `req-${event}-${at.getTime()}`,
    deadline: new Date(at.getTime() + 10_000),
  };
}

/**
 * The vendor's webhook once the canonical model carries more: `event`'s kind with its canonical
 * validator (and mapping) replaced, the way a widened canonical schema would be generated.
 */
export function widenedWebhook(
  vendor: VendorWebhook,
  event: string,
  widened: Partial<Pick<DeliveryKind<never>, 'canonical' | 'map'>>,
): VendorWebhook {
  return {
    ...vendor,
    deliveries: { ...vendor.deliveries, [event]: { ...vendor.deliveries[event]!, ...widened } },
  };
}

/**
 * The procurement `purchase_order.changed` kind once canonical quantities carry other units: here
 * every unit converts one to one into eaches (a stand-in for a real conversion).
 */
export const everyUnitInEaches: Pick<DeliveryKind<never>, 'map'> = {
  map: ((delivery: ProcurementPurchaseOrderChanged, context: TenantContext) =>
    mapPurchaseOrderChanged(
      { ...delivery, lines: delivery.lines.map((line) => ({ ...line, uom: 'EA' as const })) },
      context,
    )) as never,
};

/** The intake's ports over the real ledger (sync-ledger table) and quarantine, the bus as given. */
export function tableIntakePorts(options: {
  documents: DynamoDBDocumentClient;
  tables: { syncLedger: string; webhookQuarantine: string };
  now: () => Date;
  publish: IntakePorts['publish'];
}): IntakePorts {
  const ledger = new DeliveryLedger(options.documents, options.tables.syncLedger, options.now);
  return {
    secrets: async () => [INTAKE_SECRET],
    now: options.now,
    newId: () => crypto.randomUUID(),
    tenantId: 'acme',
    claim: (event, version, until) => ledger.claim(event, version, until),
    complete: (event, version) => ledger.complete(event, version),
    release: (event, version, claim) => ledger.release(event, version, claim),
    publish: options.publish,
    recordStale: async () => undefined,
    quarantine: new DeliveryQuarantine(options.documents, options.tables.webhookQuarantine),
  };
}
