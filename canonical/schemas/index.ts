/**
 * The whole canonical contract in one place: object schemas, one envelope schema per event type and
 * major version, and the HTTP API bodies. Everything in canonical/generated is produced from this.
 */
import type { Schema } from './dsl';
import { EVENT_CATALOG, envelopeSchema, eventSchemaName, type EventDefinition } from './events';
import { apiSchemas } from './api';
import { objectSchemas } from './objects';
import { systemApiSchemas } from './system-apis';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
export const SCHEMA_ID_BASE = 'urn:supplyline:schema:';

/** Every named definition: business objects plus one envelope per event type and major. */
export const canonicalDefs: Record<string, Schema> = {
  ...objectSchemas,
  ...apiSchemas,
  ...systemApiSchemas,
  ...Object.fromEntries(EVENT_CATALOG.map((event) => [eventSchemaName(event), envelopeSchema(event)])),
};

/** HTTP request bodies that are canonical objects (validated by API Gateway and in the function). */
export const API_BODIES = [
  'ApprovalDecision',
  'ExceptionResolution',
  'PurchaseOrderProposal',
  'PurchaseRequisitionSubmission',
] as const;

/**
 * `<major>.<minor>` of each API body, raised like an event's (docs/contracts.md). ApprovalDecision
 * 1.1: `approver` is optional and ignored, since the approver is the verified caller;
 * ExceptionResolution 1.1: `resolvedBy` likewise.
 */
export const API_BODY_VERSIONS: Readonly<Record<(typeof API_BODIES)[number], string>> = {
  ApprovalDecision: '1.1',
  ExceptionResolution: '1.1',
  PurchaseOrderProposal: '1.0',
  PurchaseRequisitionSubmission: '1.0',
};

export interface ContractDocument {
  /** File stem, e.g. `events/forecast-exception.raised.v1` or `objects/PurchaseOrder`. */
  readonly name: string;
  /** The definition at the document's root. */
  readonly root: string;
  readonly event?: EventDefinition;
  /** An API body's `<major>.<minor>`. */
  readonly version?: string;
}

/** The published documents: one per event type and major, one per API body. */
export function contractDocuments(): ContractDocument[] {
  return [
    ...EVENT_CATALOG.map((event) => ({
      name: `events/${event.type}.v${event.major}`,
      root: eventSchemaName(event),
      event,
    })),
    ...API_BODIES.map((body) => ({ name: `api/${body}`, root: body, version: API_BODY_VERSIONS[body] })),
  ];
}

/** Names of the definitions `root` refers to, transitively, in a stable order (root excluded). */
export function referencedDefs(root: string, defs: Record<string, Schema> = canonicalDefs): string[] {
  const seen = new Set<string>();
  const visit = (schema: Schema): void => {
    if (schema.$ref) {
      const name = schema.$ref.replace('#/$defs/', '');
      if (!defs[name]) throw new Error(`${root}: unresolved reference ${schema.$ref}`);
      if (!seen.has(name)) {
        seen.add(name);
        visit(defs[name]);
      }
    }
    for (const child of Object.values(schema.properties ?? {})) visit(child);
    if (schema.items) visit(schema.items);
  };
  const rootSchema = defs[root];
  if (!rootSchema) throw new Error(`unknown definition ${root}`);
  visit(rootSchema);
  seen.delete(root);
  return [...seen].sort();
}

/** A self-contained JSON Schema document for `root` (its references under `$defs`). */
export function schemaDocument(
  name: string,
  root: string,
  defs: Record<string, Schema> = canonicalDefs,
): Schema & { $id: string } {
  const rootSchema = defs[root];
  if (!rootSchema) throw new Error(`unknown definition ${root}`);
  const refs = referencedDefs(root, defs);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `${SCHEMA_ID_BASE}${name}`,
    title: root,
    ...rootSchema,
    ...(refs.length ? { $defs: Object.fromEntries(refs.map((ref) => [ref, defs[ref] as Schema])) } : {}),
  };
}
