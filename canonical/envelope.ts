/**
 * Building canonical events and turning them into EventBridge entries. The catalog decides the
 * version and source of each type, so a producer only supplies the business facts.
 */
import { EVENT_CATALOG, type EventType } from './schemas/events';
import type { CanonicalEvents } from './generated/types';
import { isoFromEpochMs, toUtc } from './time';

export { toUtc };

/** What a producer knows about the change it reports, besides the object itself. */
export interface EventFacts {
  sourceObjectId: string;
  sourceVersion: number;
  /** Source time; any ISO-8601 offset, normalised to UTC. */
  occurredAt: string | Date;
  correlationId: string;
  causationId?: string;
  idempotencyKey: string;
  tenantId: string;
  businessUnit?: string;
}

/** Clock and id generator, passed in so tests and replays are deterministic. */
export interface EventContext {
  now(): Date;
  newId(): string;
}

const CATALOG_BY_TYPE = new Map(
  EVENT_CATALOG.map((definition) => [
    definition.type as string,
    { source: definition.source, version: `${definition.major}.${definition.minor}` },
  ]),
);

export function buildEvent<T extends EventType>(
  type: T,
  data: CanonicalEvents[T]['data'],
  facts: EventFacts,
  context: EventContext,
): CanonicalEvents[T] {
  const definition = CATALOG_BY_TYPE.get(type);
  if (!definition) throw new Error(`unknown event type ${type}`);
  // One literal of a fixed shape: absent optional facts are `undefined`, which JSON omits.
  const event = {
    eventId: context.newId(),
    eventType: type,
    schemaVersion: definition.version,
    sourceSystem: definition.source,
    sourceObjectId: facts.sourceObjectId,
    sourceVersion: facts.sourceVersion,
    occurredAt: toUtc(facts.occurredAt),
    emittedAt: isoFromEpochMs(context.now().getTime()),
    correlationId: facts.correlationId,
    causationId: facts.causationId,
    idempotencyKey: facts.idempotencyKey,
    tenantId: facts.tenantId,
    businessUnit: facts.businessUnit,
    data,
  };
  return event as unknown as CanonicalEvents[T];
}

/** Any canonical event. */
export type CanonicalEvent = CanonicalEvents[EventType];

/** The EventBridge `source` of a canonical event. */
export function eventSource(event: Pick<CanonicalEvent, 'sourceSystem'>): string {
  return `supplyline.${event.sourceSystem}`;
}

/** A PutEvents entry for the bus; the envelope is the `detail`. */
export function toPutEventsEntry(event: CanonicalEvent, eventBusName: string) {
  return {
    EventBusName: eventBusName,
    Source: eventSource(event),
    DetailType: event.eventType,
    Detail: JSON.stringify(event),
    // The bus time is when we emitted it; the source time stays in the envelope (occurredAt).
    Time: new Date(event.emittedAt),
  };
}
