/**
 * Building canonical events and turning them into EventBridge entries. The catalog decides the
 * version and source of each type, so a producer only supplies the business facts.
 */
import { EVENT_CATALOG, type EventType } from './schemas/events';
import type { CanonicalEvents } from './generated/types';

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

/** Normalises an RFC 3339 time with any offset to UTC (`...Z`); a UTC time is kept as written. */
export function toUtc(time: string | Date): string {
  if (typeof time === 'string' && time.endsWith('Z') && time.length >= 20 && time.length <= 30) return time;
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid time: ${String(time)}`);
  return date.toISOString();
}

let lastEmittedMs = Number.NaN;
let lastEmittedIso = '';

/** ISO form of `now`, reusing the last one within the same millisecond (toISOString is costly per event). */
function isoTime(now: Date): string {
  const ms = now.getTime();
  if (ms !== lastEmittedMs) {
    lastEmittedMs = ms;
    lastEmittedIso = now.toISOString();
  }
  return lastEmittedIso;
}

export function buildEvent<T extends EventType>(
  type: T,
  data: CanonicalEvents[T]['data'],
  facts: EventFacts,
  context: EventContext,
): CanonicalEvents[T] {
  const definition = CATALOG_BY_TYPE.get(type);
  if (!definition) throw new Error(`unknown event type ${type}`);
  const event: Record<string, unknown> = {
    eventId: context.newId(),
    eventType: type,
    schemaVersion: definition.version,
    sourceSystem: definition.source,
    sourceObjectId: facts.sourceObjectId,
    sourceVersion: facts.sourceVersion,
    occurredAt: toUtc(facts.occurredAt),
    emittedAt: isoTime(context.now()),
    correlationId: facts.correlationId,
  };
  if (facts.causationId !== undefined) event.causationId = facts.causationId;
  event.idempotencyKey = facts.idempotencyKey;
  event.tenantId = facts.tenantId;
  if (facts.businessUnit !== undefined) event.businessUnit = facts.businessUnit;
  event.data = data;
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
