/** The integration exception a consumer raises for a person: a business rejection, or work that waited too long. */
import { createHash } from 'node:crypto';
import { buildEvent, type CanonicalEvent } from '../../canonical/envelope';
import { EVENT_CATALOG } from '../../canonical/schemas/events';
import type { BusinessRejection } from '../../domain/failures';

/** The integration exception that tells a person about a business rejection (or work that waited too long). */
export function integrationException(
  event: CanonicalEvent,
  rejection: Pick<BusinessRejection, 'code' | 'message' | 'system' | 'details'>,
  consumer: string,
  at: Date,
  newId: () => string,
  category: 'BUSINESS' | 'TECHNICAL' = 'BUSINESS',
): CanonicalEvent {
  // Deterministic: the same rejection of the same change is the same exception downstream.
  const exceptionId = `EXC-${createHash('sha256')
    .update(`${consumer}|${event.idempotencyKey}|${rejection.code}`)
    .digest('hex')
    .slice(0, 32)}`;
  const objectType =
    EVENT_CATALOG.find((definition) => definition.type === event.eventType)?.data ?? 'Unknown';
  const details = JSON.stringify({
    ...rejection.details,
    consumer,
    eventType: event.eventType,
    eventId: event.eventId,
    idempotencyKey: event.idempotencyKey,
  });
  return buildEvent(
    'integration-exception.raised',
    {
      exceptionId,
      category,
      code: asCode(rejection.code),
      message: rejection.message.slice(0, 2000),
      status: 'OPEN',
      objectType,
      objectId: event.sourceObjectId,
      system: EXCEPTION_SYSTEMS.has(rejection.system)
        ? (rejection.system as 'planning' | 'procurement' | 'erp')
        : 'supplyline',
      raisedAt: at.toISOString(),
      ...(details.length <= 16_000 ? { details } : {}),
    },
    {
      sourceObjectId: exceptionId,
      sourceVersion: 1,
      occurredAt: at,
      correlationId: event.correlationId,
      causationId: event.eventId,
      idempotencyKey: `IntegrationException#${exceptionId}`,
      tenantId: event.tenantId,
      ...(event.businessUnit !== undefined ? { businessUnit: event.businessUnit } : {}),
    },
    { now: () => at, newId },
  );
}

const EXCEPTION_SYSTEMS: ReadonlySet<string> = new Set(['planning', 'procurement', 'erp']);

/** A reason code that fits the canonical identifier pattern (64 chars, [A-Za-z0-9][A-Za-z0-9_.:/#-]*). */
function asCode(code: string): string {
  const cleaned = code.replace(/[^A-Za-z0-9_.:/#-]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned.slice(0, 64) || 'BUSINESS_REJECTION';
}
