/**
 * The canonical events on the Supplyline bus: which system each event type comes from.
 *
 * Derived from the canonical event catalog (canonical/schemas/events.ts), the one source of truth:
 * an event's `source` is `supplyline.<system>` and its `detail-type` is the canonical event type.
 * Plain data (no aws-cdk-lib import): the CDK app, the local runtime, tests and docs all read it.
 */
import { EVENT_CATALOG, SOURCE_SYSTEMS, type SourceSystem } from '../../canonical/schemas/events';

export { SOURCE_SYSTEMS, type SourceSystem };

/** The `source` of a canonical event. */
export type EventSource = `supplyline.${SourceSystem}`;

/** The `source` field for events published on behalf of `system`. */
export function eventSource(system: SourceSystem): EventSource {
  return `supplyline.${system}`;
}

type CatalogEntry = (typeof EVENT_CATALOG)[number];

/** A canonical event type (the EventBridge `detail-type`). */
export type CanonicalEventType = CatalogEntry['type'];

/**
 * Every canonical event type and the system whose change it describes. A type has exactly one
 * source (across its majors), so patterns stay exact.
 */
export const CANONICAL_EVENT_TYPES: {
  readonly [T in CanonicalEventType]: Extract<CatalogEntry, { type: T }>['source'];
} = sourcesByType();

function sourcesByType() {
  const sources: Record<string, SourceSystem> = {};
  for (const definition of EVENT_CATALOG) {
    const known = sources[definition.type];
    if (known !== undefined && known !== definition.source)
      throw new Error(`event type ${definition.type} has two sources: ${known} and ${definition.source}`);
    sources[definition.type] = definition.source;
  }
  return sources as typeof CANONICAL_EVENT_TYPES;
}

/** True when `value` is a known canonical event type. */
export function isCanonicalEventType(value: string): value is CanonicalEventType {
  return Object.hasOwn(CANONICAL_EVENT_TYPES, value);
}
