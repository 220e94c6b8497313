/**
 * The JSON Schema subset the code generators accept, and the generation-time check that a schema
 * stays inside it. Both generators call {@link assertSupportedDefs} first, so a keyword that one of
 * them would silently ignore fails the build instead of drifting into the published schemas.
 */
import { CARRIED, type JsonType, type Schema, type StringFormat } from '../../canonical/schemas/dsl';

/** Keywords that only annotate: they never change a validation verdict. */
const ANNOTATIONS = new Set(['title', 'description', 'deprecated', 'examples', '$id', '$schema']);

/** The instance type each validation keyword applies to (undefined: applies to every type). */
const KEYWORD_TYPES: Record<string, JsonType | undefined> = {
  type: undefined,
  enum: undefined,
  const: undefined,
  $ref: undefined,
  properties: 'object',
  required: 'object',
  additionalProperties: 'object',
  minLength: 'string',
  maxLength: 'string',
  pattern: 'string',
  format: 'string',
  minimum: 'number',
  maximum: 'number',
  exclusiveMinimum: 'number',
  exclusiveMaximum: 'number',
  multipleOf: 'number',
  items: 'array',
  minItems: 'array',
  maxItems: 'array',
};

const JSON_TYPES: ReadonlySet<string> = new Set([
  'object',
  'array',
  'string',
  'integer',
  'number',
  'boolean',
  'null',
]);
export const FORMATS: ReadonlySet<StringFormat> = new Set<StringFormat>(['date-time', 'date', 'uuid']);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names a definition cannot take: TypeScript built-in type names and the generated modules' own names. */
const RESERVED_NAMES = new Set([
  'any',
  'unknown',
  'never',
  'object',
  'string',
  'number',
  'boolean',
  'symbol',
  'bigint',
  'undefined',
  'null',
  'void',
  'ValidationError',
  'ValidationResult',
  'MAX_ERRORS',
  'MAX_DEPTH',
]);

/** Thrown when a schema uses something the generators do not compile. */
export class UnsupportedSchemaError extends Error {
  override readonly name = 'UnsupportedSchemaError';
}

/** The definition name a `$ref` of the form `#/$defs/<Name>` points to. */
export function refName(ref: string): string {
  const match = /^#\/\$defs\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref);
  if (!match) throw new UnsupportedSchemaError(`$ref "${ref}" is not of the form "#/$defs/<Identifier>"`);
  return match[1]!;
}

/** Whether `name` can be a definition (type and function) name in the generated code. */
export function assertDefinitionName(name: string, what = 'definition name'): void {
  if (!IDENTIFIER.test(name) || RESERVED_NAMES.has(name)) {
    throw new UnsupportedSchemaError(`${what} "${name}" must be an ASCII identifier and not a reserved name`);
  }
}

/** The declared types of a schema node as a list (empty when the node declares none). */
export function typesOf(schema: Schema): JsonType[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? [...schema.type] : [schema.type];
}

/**
 * Throws {@link UnsupportedSchemaError} unless every definition uses only the supported subset with
 * well-formed values, and every `$ref` resolves to one of `defs`.
 */
export function assertSupportedDefs(defs: Record<string, Schema>): void {
  for (const [name, schema] of Object.entries(defs)) {
    assertDefinitionName(name);
    assertSupported(schema, `#/$defs/${name}`, defs);
  }
}

/**
 * The definitions of a whole schema document (`{ $id, $schema, $defs, title, ... }`), for the
 * generators. The root may carry only annotations and `$defs`: it is not itself compiled.
 */
export function definitionsOf(document: Schema): Record<string, Schema> {
  if (!isPlainRecord(document)) fail('#', 'a schema document must be an object');
  for (const keyword of Object.keys(document)) {
    if (keyword !== '$defs' && !ANNOTATIONS.has(keyword)) {
      fail(
        `#/${keyword}`,
        'the document root may carry only annotations and $defs; reference a definition instead',
      );
    }
  }
  const defs: Record<string, Schema> = (document as Schema).$defs ?? {};
  assertSupportedDefs(defs);
  return defs;
}

function fail(at: string, message: string): never {
  throw new UnsupportedSchemaError(`${at}: ${message}`);
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegativeInteger(value: unknown, at: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(at, 'must be a non-negative integer');
  }
}

function isPrimitive(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * The decimals a `multipleOf` allows: only powers of ten from 1 down to 1e-15 are supported, checked
 * on the number's shortest decimal form (the digits its sender wrote), never by binary division.
 */
export function multipleOfDecimals(value: number): number | undefined {
  for (let decimals = 0; decimals <= 15; decimals++) if (value === Number(`1e-${decimals}`)) return decimals;
  return undefined;
}

function assertSupported(schema: Schema, at: string, defs: Record<string, Schema>): void {
  if (!isPlainRecord(schema)) fail(at, 'a schema must be an object (boolean schemas are not supported)');
  const limits = (schema as Schema)[CARRIED];
  if (limits !== undefined) assertSupported(limits, `${at}/(carried)`, defs);
  const declared = typesOf(schema);
  const node = schema as Record<string, unknown>;
  for (const keyword of Object.keys(node)) {
    const value = node[keyword];
    const where = `${at}/${keyword}`;
    if (keyword === '$id' || keyword === '$schema') {
      // Inside a definition, $id would start a new resource and change what "#/$defs/..." means.
      fail(where, `${keyword} is only supported at the document root (see definitionsOf)`);
    }
    if (ANNOTATIONS.has(keyword)) {
      if (keyword === 'deprecated' && typeof value !== 'boolean') fail(where, 'must be a boolean');
      if (keyword === 'examples' && !Array.isArray(value)) fail(where, 'must be an array');
      if (keyword !== 'deprecated' && keyword !== 'examples' && typeof value !== 'string') {
        fail(where, 'must be a string');
      }
      continue;
    }
    if (keyword === '$defs') {
      fail(where, 'nested $defs are not supported: put every definition in the document-level defs');
    }
    if (!Object.hasOwn(KEYWORD_TYPES, keyword)) fail(where, `unsupported keyword "${keyword}"`);
    const appliesTo = KEYWORD_TYPES[keyword];
    if (appliesTo && declared.length > 0) {
      const ok = declared.includes(appliesTo) || (appliesTo === 'number' && declared.includes('integer'));
      if (!ok) fail(where, `"${keyword}" has no effect on type ${declared.join('|')}`);
    }
    switch (keyword) {
      case 'type': {
        const list = Array.isArray(value) ? value : [value];
        if (list.length === 0) fail(where, 'must not be empty');
        if (new Set(list).size !== list.length) fail(where, 'must not repeat a type');
        for (const t of list)
          if (typeof t !== 'string' || !JSON_TYPES.has(t)) fail(where, `unknown type ${String(t)}`);
        break;
      }
      case 'properties':
        if (!isPlainRecord(value)) fail(where, 'must be an object');
        for (const [prop, sub] of Object.entries(value)) {
          assertSupported(sub as Schema, `${where}/${prop.replace(/~/g, '~0').replace(/\//g, '~1')}`, defs);
        }
        break;
      case 'required':
        if (
          !Array.isArray(value) ||
          value.some((r) => typeof r !== 'string') ||
          new Set(value).size !== value.length
        ) {
          fail(where, 'must be an array of unique strings');
        }
        break;
      case 'additionalProperties':
        if (typeof value !== 'boolean') fail(where, 'only true/false is supported (no schema)');
        break;
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
        nonNegativeInteger(value, where);
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, 'must be a finite number');
        break;
      case 'multipleOf':
        if (typeof value !== 'number' || multipleOfDecimals(value) === undefined) {
          fail(where, 'must be a power of ten from 1 down to 1e-15');
        }
        break;
      case 'pattern':
        assertPattern(value, where);
        break;
      case 'format':
        if (typeof value !== 'string' || !FORMATS.has(value as StringFormat)) {
          fail(where, `unsupported format ${JSON.stringify(value)} (supported: ${[...FORMATS].join(', ')})`);
        }
        break;
      case 'items':
        if (!isPlainRecord(value)) fail(where, 'must be a single schema (tuple forms are not supported)');
        assertSupported(value as Schema, where, defs);
        break;
      case 'enum':
        if (!Array.isArray(value) || value.length === 0 || !value.every(isPrimitive)) {
          fail(where, 'must be a non-empty array of strings, finite numbers, booleans or null');
        }
        break;
      case 'const':
        if (!isPrimitive(value)) fail(where, 'must be a string, finite number, boolean or null');
        break;
      case '$ref': {
        if (typeof value !== 'string') fail(where, 'must be a string');
        let target: string;
        try {
          target = refName(value);
        } catch (error) {
          fail(where, (error as Error).message);
        }
        if (!Object.hasOwn(defs, target)) fail(where, `$ref to undefined definition "${target}"`);
        break;
      }
    }
  }
}

function assertPattern(value: unknown, at: string): void {
  if (typeof value !== 'string') fail(at, 'must be a string');
  // The generated code uses the regex without the `u` flag (faster); that only means the same thing
  // as the `u` flag JSON Schema prescribes when the pattern is ASCII.
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0x7e) fail(at, 'only ASCII patterns are supported');
  }
  // Constructs that match "any character" see a surrogate pair as two characters without the `u`
  // flag, so they could accept or reject astral characters differently: positive classes only.
  let inClass = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const next = value[i + 1] ?? '';
      if ('pPSWD'.includes(next) || (next === 'u' && value[i + 2] === '{')) {
        fail(at, `"\\${next}" is not supported (its meaning changes without the u flag)`);
      }
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (value[i + 1] === '^')
        fail(at, 'negated character classes are not supported (use a positive class)');
    } else if (c === '.') {
      fail(at, '"." is not supported (use a positive character class)');
    }
  }
  for (const flags of ['', 'u']) {
    try {
      new RegExp(value, flags);
    } catch (error) {
      fail(at, `invalid regular expression${flags ? ' with the u flag' : ''}: ${(error as Error).message}`);
    }
  }
}

const LOWER_BOUNDS = new Set(['minLength', 'minItems', 'minimum', 'exclusiveMinimum']);
const UPPER_BOUNDS = new Set(['maxLength', 'maxItems', 'maximum', 'exclusiveMaximum']);
const NOT_CHECKED = new Set(['title', 'description', 'deprecated', 'examples']);

/**
 * One node meaning `vendor` AND `limits` (one type test, one branch: the carried validator is on
 * every delivery's path), or undefined when a keyword of both differs and is not a bound.
 */
export function conjunction(vendor: Schema, limits: Schema): Schema | undefined {
  const types = typesOf(limits);
  if (types.length > 0 && JSON.stringify(types) !== JSON.stringify(typesOf(vendor))) return undefined;
  const both: Record<string, unknown> = { ...vendor };
  for (const [keyword, value] of Object.entries(limits)) {
    const current = both[keyword];
    if (NOT_CHECKED.has(keyword)) continue;
    if (current === undefined) both[keyword] = value;
    else if (LOWER_BOUNDS.has(keyword)) both[keyword] = Math.max(current as number, value as number);
    else if (UPPER_BOUNDS.has(keyword)) both[keyword] = Math.min(current as number, value as number);
    else if (JSON.stringify(current) !== JSON.stringify(value)) return undefined;
  }
  return both as Schema;
}
