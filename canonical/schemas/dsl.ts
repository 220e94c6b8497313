/**
 * A small builder for the JSON Schema (draft 2020-12) subset the canonical model uses.
 *
 * Why our own builder and not a library: every keyword it can emit is one that the build-time
 * validator generator (scripts/codegen) compiles and that API Gateway and the EventBridge schema
 * registry accept, so the source of truth cannot drift into keywords one consumer ignores.
 * The objects it returns are plain JSON Schema: `JSON.stringify` of them is the published document.
 */

/** A JSON Schema node as emitted by this builder. */
export interface Schema {
  type?: JsonType | JsonType[];
  title?: string;
  description?: string;
  deprecated?: boolean;
  examples?: unknown[];
  // object
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  // string
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: StringFormat;
  // number / integer
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  /** A power of ten (1, 0.1, ... 0.000001): at most that many decimals, as the number is written. */
  multipleOf?: number;
  // array
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  // any
  enum?: readonly (string | number | boolean | null)[];
  const?: string | number | boolean | null;
  $ref?: string;
  $id?: string;
  $schema?: string;
  $defs?: Record<string, Schema>;
  /** What the canonical model carries of this vendor field, when it is narrower ({@link carried}). */
  [CARRIED]?: Schema;
}

/**
 * Key of a vendor field's canonical limits: a symbol, so the published documents (JSON) keep the
 * vendor's contract only, while the generator also compiles the carried validator from it.
 */
export const CARRIED: unique symbol = Symbol('carried');

/**
 * A vendor field the vendor's contract allows wider than the canonical model carries: `vendor` is
 * the contract (the vendor-exact validator checks it), `canonical` the further limits a value must
 * meet for its mapped event to be canonical by construction (the carried validator checks both).
 * A delivery within the contract but outside `canonical` is mapped and checked against the canonical
 * schema, and held when it cannot be carried (adapters/webhooks/intake.ts).
 */
export function carried(vendor: Schema, canonical: Schema): Schema {
  return { ...vendor, [CARRIED]: canonical };
}

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';
export type StringFormat = 'date-time' | 'date' | 'uuid';

type Annotations = Pick<Schema, 'title' | 'description' | 'deprecated' | 'examples'>;

/** Decimal numbers travel as strings so no system rounds them through binary floating point. */
export const DECIMAL_PATTERN = '^-?(0|[1-9][0-9]{0,17})(\\.[0-9]{1,6})?$';
/** Non-negative decimal string, e.g. a quantity in eaches or a unit price. */
export const NON_NEGATIVE_DECIMAL_PATTERN = '^(0|[1-9][0-9]{0,17})(\\.[0-9]{1,6})?$';

/**
 * An object with the given properties, all required unless listed in `optional`. Canonical objects
 * are closed (unknown properties are errors); `open: true` is for vendor payloads, whose vendors may
 * add fields without notice (tolerant reader: unknown fields are ignored, never read).
 */
export function object(
  properties: Record<string, Schema>,
  options: Annotations & { optional?: string[]; open?: boolean } = {},
): Schema {
  const { optional = [], open = false, ...annotations } = options;
  for (const name of optional) {
    if (!(name in properties)) throw new Error(`optional property ${name} is not defined`);
  }
  return {
    type: 'object',
    ...annotations,
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    ...(open ? {} : { additionalProperties: false }),
  };
}

export function string(
  options: Annotations & Pick<Schema, 'minLength' | 'maxLength' | 'pattern' | 'format'> = {},
): Schema {
  return { type: 'string', ...options };
}

/** An identifier from a source system: printable, bounded, never empty. */
export function identifier(description: string, maxLength = 64): Schema {
  return { type: 'string', description, minLength: 1, maxLength, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:/#-]*$' };
}

export function text(description: string, maxLength = 2000): Schema {
  return { type: 'string', description, maxLength };
}

export function dateTime(description: string): Schema {
  return { type: 'string', format: 'date-time', description };
}

export function date(description: string): Schema {
  return { type: 'string', format: 'date', description };
}

export function uuid(description: string): Schema {
  return { type: 'string', format: 'uuid', description };
}

export function decimal(description: string, options: { nonNegative?: boolean } = {}): Schema {
  return {
    type: 'string',
    description,
    pattern: options.nonNegative ? NON_NEGATIVE_DECIMAL_PATTERN : DECIMAL_PATTERN,
    maxLength: 26,
  };
}

/**
 * An object's version (plan version, PO revision): a whole number the ledgers compare exactly, so
 * at most Number.MAX_SAFE_INTEGER (a JSON number like 1e300 is an integer, but not an exact one).
 */
export function version(description: string, minimum = 1): Schema {
  return { type: 'integer', minimum, maximum: Number.MAX_SAFE_INTEGER, description };
}

export function integer(
  options: Annotations & Pick<Schema, 'minimum' | 'maximum' | 'exclusiveMinimum'> = {},
): Schema {
  return { type: 'integer', ...options };
}

export function number(
  options: Annotations &
    Pick<Schema, 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum' | 'multipleOf'> = {},
): Schema {
  return { type: 'number', ...options };
}

export function boolean(description?: string): Schema {
  return description ? { type: 'boolean', description } : { type: 'boolean' };
}

export function enumOf<const T extends string>(values: readonly T[], description?: string): Schema {
  return { type: 'string', enum: values, ...(description ? { description } : {}) };
}

export function constant(value: string, description?: string): Schema {
  return { type: 'string', const: value, ...(description ? { description } : {}) };
}

export function array(items: Schema, options: Annotations & Pick<Schema, 'minItems' | 'maxItems'>): Schema {
  return { type: 'array', ...options, items };
}

/** A value that may be explicitly null (JSON Schema type union with "null"). */
export function nullable(schema: Schema): Schema {
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (schema.enum) return { ...schema, type: [...types, 'null'], enum: [...schema.enum, null] };
  return { ...schema, type: [...types, 'null'] };
}

/** A reference to a named definition of the same document (`#/$defs/<name>`). */
export function ref(name: string, description?: string): Schema {
  return description ? { $ref: `#/$defs/${name}`, description } : { $ref: `#/$defs/${name}` };
}
