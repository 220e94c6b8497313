/**
 * Events the operations tests put on the bus: a schema-invalid forecast exception (the consumer
 * dead-letters it as a contract violation) and integration exceptions (recorded, no external call).
 */
import { randomUUID } from 'node:crypto';
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { buildEvent } from '../../canonical/envelope';

/** Puts events on the bus; throws when any entry failed. */
export async function putEvents(
  eventBridge: EventBridgeClient,
  busName: string,
  events: { source: string; detailType: string; detail: unknown }[],
): Promise<void> {
  const answer = await eventBridge.send(
    new PutEventsCommand({
      Entries: events.map((e) => ({
        EventBusName: busName,
        Source: e.source,
        DetailType: e.detailType,
        Detail: JSON.stringify(e.detail),
      })),
    }),
  );
  if (answer.FailedEntryCount) throw new Error(`PutEvents: ${JSON.stringify(answer.Entries)}`);
}

/** A `forecast-exception.raised` whose detail breaks the schema (no data, bad quantities). */
export function poisonedForecastException(correlationId = `poison-${randomUUID()}`) {
  return {
    source: 'supplyline.planning',
    detailType: 'forecast-exception.raised',
    detail: {
      eventId: randomUUID(),
      eventType: 'forecast-exception.raised',
      schemaVersion: '1.0',
      sourceSystem: 'planning',
      sourceObjectId: `POISON-${correlationId}`,
      sourceVersion: 1,
      occurredAt: new Date().toISOString(),
      emittedAt: new Date().toISOString(),
      correlationId,
      idempotencyKey: `poison#${correlationId}`,
      tenantId: 'local',
      data: { forecastQuantityEa: 'lots' },
    },
  };
}

/** A valid `integration-exception.raised` (the recorder stores it; nothing external is called). */
export function integrationExceptionRaised(options: { exceptionId?: string; correlationId?: string } = {}) {
  const exceptionId = options.exceptionId ?? `EXC-OPS-${randomUUID().slice(0, 8).toUpperCase()}`;
  const at = new Date();
  const event = buildEvent(
    'integration-exception.raised',
    {
      exceptionId,
      category: 'BUSINESS',
      code: 'SUPPLIER_BLOCKED',
      message: 'Supplier S-1001 is blocked in the ERP for new purchase orders',
      status: 'OPEN',
      objectType: 'PurchaseOrder',
      objectId: `SL-PO-${exceptionId}`,
      system: 'erp',
      raisedAt: at.toISOString(),
    },
    {
      sourceObjectId: exceptionId,
      sourceVersion: 1,
      occurredAt: at,
      correlationId: options.correlationId ?? `ops-${randomUUID()}`,
      idempotencyKey: `IntegrationException#${exceptionId}`,
      tenantId: 'local',
    },
    { now: () => at, newId: randomUUID },
  );
  return {
    exceptionId,
    source: 'supplyline.operations',
    detailType: 'integration-exception.raised',
    detail: event,
  };
}
