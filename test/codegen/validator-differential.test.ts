/**
 * Differential test: the generated validators must give the same valid/invalid verdict as ajv
 * (draft 2020-12 + ajv-formats) on thousands of seeded, generated documents: valid ones built from
 * the schema and mutated ones (wrong types, boundary numbers, edited strings, removed and added keys
 * including "__proto__" and "constructor", grown and emptied arrays).
 */
import { Ajv2020 } from 'ajv/dist/2020';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Schema } from '../../canonical/schemas/dsl';
import { importGenerated, GENERATED_RUNTIME_MODULE } from '../../scripts/codegen/load-generated';
import { purchaseOrderDefs, samplePurchaseOrder } from '../../scripts/codegen/sample-purchase-order';
import { refName, typesOf } from '../../scripts/codegen/schema-subset';
import { compileTypes } from '../../scripts/codegen/type-compiler';
import { compileValidators } from '../../scripts/codegen/validator-compiler';
import { everyKeywordDefs, validOrder } from './fixtures';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

type Validate = (data: unknown) => { ok: boolean };

/** mulberry32: small, fast, deterministic. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class DocumentGenerator {
  constructor(
    private readonly defs: Record<string, Schema>,
    readonly random: () => number,
  ) {}

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)]!;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  two(n: number): string {
    return String(n).padStart(2, '0');
  }

  date(): string {
    const year = this.chance(0.1) ? this.pick([0, 1900, 2000, 2023, 2024, 2100, 9999]) : this.int(1970, 2100);
    const month = this.int(1, 12);
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
    const day = this.chance(0.2) ? days : this.int(1, days);
    return `${String(year).padStart(4, '0')}-${this.two(month)}-${this.two(day)}`;
  }

  dateTime(): string {
    const fraction = this.chance(0.3) ? `.${this.int(0, 999999)}` : '';
    const offset = this.chance(0.4)
      ? this.pick(['Z', 'z'])
      : `${this.pick(['+', '-'])}${this.two(this.int(0, 23))}:${this.two(this.int(0, 59))}`;
    const time = `${this.two(this.int(0, 23))}:${this.two(this.int(0, 59))}:${this.two(this.int(0, 59))}`;
    return `${this.date()}${this.pick(['T', 't'])}${time}${fraction}${offset}`;
  }

  uuid(): string {
    const hex = (n: number): string =>
      Array.from({ length: n }, () => this.pick([...'0123456789abcdefABCDEF'])).join('');
    return `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
  }

  text(min: number, max: number): string {
    const length = this.int(min, max);
    return Array.from({ length }, () => this.pick(ALPHABET)).join('');
  }

  /** A value meant to be valid for `schema` (untyped nodes may get any value). */
  valid(schema: Schema, depth = 0): unknown {
    if (schema.$ref !== undefined) return this.valid(this.defs[refName(schema.$ref)]!, depth + 1);
    const types = typesOf(schema);
    if (schema.const !== undefined) return schema.const;
    if (schema.enum !== undefined) {
      const allowed = schema.enum.filter(
        (v) =>
          types.length === 0 ||
          (v === null ? types.includes('null') : types.includes(typeof v as never) || typeof v === 'number'),
      );
      return this.pick(allowed);
    }
    if (types.length === 0) return this.pick(ANY_VALUES);
    const type = this.pick(types);
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return this.chance(0.5);
      case 'integer':
      case 'number': {
        const low =
          schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum : -1000);
        const high =
          schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum : 1000);
        if (type === 'integer') {
          const lo = Math.ceil(schema.exclusiveMinimum !== undefined ? low + 0.5 : low);
          const hi = Math.floor(schema.exclusiveMaximum !== undefined ? high - 0.5 : high);
          return this.chance(0.2) ? this.pick([lo, hi]) : this.int(lo, hi);
        }
        if (
          this.chance(0.2) &&
          schema.exclusiveMinimum === undefined &&
          schema.exclusiveMaximum === undefined
        ) {
          return this.pick([low, high]);
        }
        return low + (high - low) * (0.01 + 0.98 * this.random());
      }
      case 'string': {
        if (schema.format === 'date') return this.date();
        if (schema.format === 'date-time') return this.dateTime();
        if (schema.format === 'uuid') return this.uuid();
        if (schema.pattern !== undefined) {
          const re = new RegExp(schema.pattern, 'u');
          const fits = PATTERN_CANDIDATES.filter(
            (s) =>
              re.test(s) && s.length <= (schema.maxLength ?? Infinity) && s.length >= (schema.minLength ?? 0),
          );
          return this.pick(fits);
        }
        const min = schema.minLength ?? 0;
        return this.text(min, Math.min(schema.maxLength ?? min + 8, min + 8));
      }
      case 'array': {
        const min = schema.minItems ?? 0;
        const max = depth > 4 ? min : Math.min(schema.maxItems ?? min + 3, min + 3);
        const length = this.int(min, max);
        return Array.from({ length }, () =>
          schema.items ? this.valid(schema.items, depth + 1) : this.pick(ANY_VALUES),
        );
      }
      case 'object': {
        const out: Record<string, unknown> = {};
        const required = new Set(schema.required ?? []);
        for (const [name, property] of Object.entries(schema.properties ?? {})) {
          if (required.has(name) || (depth < 4 && this.chance(0.6)))
            setOwn(out, name, this.valid(property, depth + 1));
        }
        return out;
      }
    }
  }

  /** Applies one random mutation somewhere in `root` (in place; may return a new root). */
  mutate(root: unknown): unknown {
    const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          slots.push({ parent: value, key: i });
          collect(item);
        });
      } else if (typeof value === 'object' && value !== null) {
        for (const key of Object.keys(value)) {
          slots.push({ parent: value as Record<string, unknown>, key });
          collect((value as Record<string, unknown>)[key]);
        }
      }
    };
    collect(root);
    if (slots.length === 0 || this.chance(0.03)) return this.hostile();
    const { parent, key } = this.pick(slots);
    const current = (parent as Record<string | number, unknown>)[key];
    const set = (value: unknown): void => {
      if (Array.isArray(parent)) parent[key as number] = value;
      else setOwn(parent, key as string, value);
    };
    // Weighted towards subtle, single-fault edits: they are what tells two validators apart.
    const kind = this.pick([0, 0, 1, 2, 3, 3, 3, 3, 4, 4, 4, 5, 6, 7, 7]);
    switch (kind) {
      case 0:
        set(this.hostile());
        break;
      case 1:
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        break;
      case 2: {
        const target =
          typeof current === 'object' && current !== null && !Array.isArray(current) ? current : parent;
        if (!Array.isArray(target)) {
          setOwn(target as Record<string, unknown>, this.pick(EXTRA_KEYS), this.hostile());
        }
        break;
      }
      case 3:
        if (typeof current === 'string') {
          const i = this.int(0, current.length);
          // Neighbouring char codes probe the edges of character classes ('/' ':' '@' 'G' 'g' '[').
          const shifted = String.fromCharCode((current.charCodeAt(i) || 48) + this.pick([-1, 1]));
          const edits = [
            current.slice(0, i) + this.pick(ALPHABET) + current.slice(i + 1),
            current.slice(0, i) + shifted + current.slice(i + 1),
            current.slice(0, i) + shifted + current.slice(i + 1),
            current + this.pick(ALPHABET),
            current.slice(0, -1),
            current.toUpperCase(),
            current.toLowerCase(),
          ];
          set(this.pick(edits));
        } else {
          set(this.hostile());
        }
        break;
      case 4:
        if (typeof current === 'number') {
          const near = [current + 1, current - 1, current + 0.5, -current, current * 1000, 1e21, -1e-7];
          set(this.pick(this.chance(0.5) ? near : SCHEMA_BOUNDARIES));
        } else {
          set(this.hostile());
        }
        break;
      case 5:
        if (Array.isArray(current)) {
          if (this.chance(0.5)) current.push(...current.slice(0, 3), ...(current.length === 0 ? [1] : []));
          else current.length = 0;
        } else {
          set(this.hostile());
        }
        break;
      case 6:
        set(typeof current === 'string' ? this.pick(FORMAT_EDGES) : this.hostile());
        break;
      case 7:
        // Calendar edges: the last day of a month, or the day after it, in leap and century years.
        if (typeof current === 'string' && /^\d{4}-\d\d-\d\d/.test(current)) {
          const year = this.pick([1900, 2000, 2023, 2024, 2100, 2400]);
          const month = this.int(1, 12);
          const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
          const last = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
          set(`${year}-${this.two(month)}-${this.two(last + this.int(0, 1))}${current.slice(10)}`);
        } else {
          set(this.hostile());
        }
        break;
    }
    return root;
  }

  hostile(): unknown {
    switch (this.int(0, 4)) {
      case 0:
        return this.pick(FORMAT_EDGES);
      case 1:
        return this.pick(PATTERN_CANDIDATES);
      case 2:
        return this.text(0, 12);
      default:
        return structuredClone(this.pick(ANY_VALUES));
    }
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const ALPHABET = [...'aZ09-_./:#~ ', 'é', 'ß', '😀', '\u{10348}', '\ud800'];
const ANY_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1,
  2,
  3,
  5,
  6,
  42,
  1.5,
  -1.5,
  1e21,
  0.1,
  '',
  'a',
  'ab',
  'abcdef',
  '😀😀',
  [],
  [1],
  ['x'],
  {},
  { label: 'x' },
  { a: 1 },
];
/** The bounds used by the schemas under test and their neighbours. */
const SCHEMA_BOUNDARIES = [0, -0, 1, -1, 0.5, 1.5, -1.5, 1.5000001, 2, 5, -5, 6, -6, 100, 101, 9999, 10000];
const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'extra', 'a/b', '~x', 'toString'];
const PATTERN_CANDIDATES = [
  '0',
  '1',
  '-1.50',
  '12.5',
  '007',
  '1.1234567',
  '123456789012345678',
  '1234567890123456789',
  '0.000001',
  '-0',
  '1.',
  '.5',
  'EUR',
  'eur',
  'EU',
  'EURO',
  'NL',
  'AB-12',
  'AB-1234',
  'AB-12345',
  'A-12',
  'SKU-1',
  'sku.2:x/#-',
  '-SKU',
  'SKU 1',
  'ÄBC',
  'SKU-123456789',
];
/** Boundary strings for the formats, including ones where ajv-formats and our spec differ. */
const FORMAT_EDGES = [
  '2024-02-29',
  '2023-02-29',
  '2100-02-29',
  '2000-02-29',
  '2024-04-31',
  '2024-13-01',
  '2024-00-10',
  '2024-01-00',
  '0000-01-01',
  '2024-1-01',
  '2024-01-01 ',
  '2024/01/01',
  '2024-02-29T23:59:59Z',
  '2023-02-29T10:00:00Z',
  '2024-01-01T24:00:00Z',
  '2024-01-01T23:60:00Z',
  '2024-01-01T23:59:60Z',
  '2024-01-01T12:00:60Z',
  '2024-01-01T00:59:60+01:00',
  '2024-01-01 12:00:00Z',
  '2024-01-01T12:00:00+0100',
  '2024-01-01T12:00:00+01',
  '2024-01-01T12:00:00',
  '2024-01-01T12:00:00.Z',
  '2024-01-01T12:00:00.123456789-05:30',
  '2024-01-01T12:00:00+24:00',
  '2024-01-01T12:00:00+05:60',
  '2024-01-01t12:00:00z',
  '2024-01-01T12:00Z',
  '123e4567-e89b-12d3-a456-426614174000',
  '123E4567-E89B-12D3-A456-426614174000',
  'urn:uuid:123e4567-e89b-12d3-a456-426614174000',
  '123e4567e89b12d3a456426614174000',
  '123e4567-e89b-12d3-a456-42661417400g',
  '{123e4567-e89b-12d3-a456-426614174000}',
  '00000000-0000-0000-0000-000000000000',
];

const LOOSE_DATE_TIME = /^\d{4}-\d\d-\d\d[Tt\s](\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:[Zz]|[+-]\d\d(?::?\d\d)?)$/;

/**
 * Strings on which ajv-formats and our documented formats disagree by design (checked explicitly
 * in validator-compiler.test.ts), so documents containing them are left out of the comparison:
 * - "urn:uuid:" prefix: ajv-formats accepts it; the RFC 4122 textual form has no prefix.
 * - date-time with a whitespace separator, or an offset without colon or minutes (+01, +0100):
 *   ajv-formats accepts them; RFC 3339 requires "T" and +hh:mm.
 * - second 60 (and ajv's leap-second branch, which also lets hour 24 / minute 60 through with
 *   some offsets): ajv accepts a leap second only at 23:59:60 UTC; our spec accepts second 60 at
 *   any time and rejects hour > 23 and minute > 59.
 */
function knownDifference(value: string): boolean {
  if (/^urn:uuid:/i.test(value)) return true;
  const match = LOOSE_DATE_TIME.exec(value);
  if (!match) return false;
  if (/\s/.test(value[10]!)) return true;
  if (!/(?:[Zz]|[+-]\d\d:\d\d)$/.test(value)) return true;
  return Number(match[1]) > 23 || Number(match[2]) > 59 || Number(match[3]) > 59;
}

function containsKnownDifference(value: unknown): boolean {
  if (typeof value === 'string') return knownDifference(value);
  if (Array.isArray(value)) return value.some(containsKnownDifference);
  if (typeof value === 'object' && value !== null) {
    return Object.keys(value).some((key) => containsKnownDifference((value as Record<string, unknown>)[key]));
  }
  return false;
}

function ajvFor(defs: Record<string, Schema>, entry: string): (data: unknown) => boolean {
  // ownProperties: ajv otherwise reads properties like "constructor" through the prototype chain.
  const ajv = new Ajv2020({ allErrors: true, strict: false, ownProperties: true });
  addFormats(ajv);
  return ajv.compile({ $defs: defs, $ref: `#/$defs/${entry}` }) as (data: unknown) => boolean;
}

async function generatedFor(defs: Record<string, Schema>, entry: string): Promise<Validate> {
  const module = await importGenerated<Record<string, Validate>>(
    {
      types: compileTypes(defs),
      validators: compileValidators({
        defs,
        entries: { [entry]: entry },
        typesModule: './types',
        runtimeModule: GENERATED_RUNTIME_MODULE,
      }),
    },
    'validators',
  );
  return module[`validate${entry}`]!;
}

interface Outcome {
  compared: number;
  valid: number;
  invalid: number;
  excluded: number;
  mismatches: { document: string; ours: boolean; ajv: boolean }[];
}

function compare(ours: Validate, ajv: (data: unknown) => boolean, documents: Iterable<unknown>): Outcome {
  const outcome: Outcome = { compared: 0, valid: 0, invalid: 0, excluded: 0, mismatches: [] };
  for (const document of documents) {
    // Round-trip through JSON text: exactly what a handler would validate.
    const json = JSON.stringify(document) ?? 'null';
    const data: unknown = JSON.parse(json);
    if (containsKnownDifference(data)) {
      outcome.excluded++;
      continue;
    }
    outcome.compared++;
    const expected = ajv(data);
    const actual = ours(data).ok;
    if (expected) outcome.valid++;
    else outcome.invalid++;
    if (actual !== expected) outcome.mismatches.push({ document: json, ours: actual, ajv: expected });
  }
  return outcome;
}

function* documents(generator: DocumentGenerator, build: () => unknown, count: number): Generator<unknown> {
  for (let i = 0; i < count; i++) {
    let document = build();
    if (i % 4 !== 0) {
      const mutations = i % 4 === 3 ? generator.int(2, 3) : 1;
      for (let m = 0; m < mutations; m++) document = generator.mutate(document);
    }
    yield document;
  }
}

describe('generated validators agree with ajv 2020 + ajv-formats', () => {
  let orderOurs: Validate;
  let orderAjv: (data: unknown) => boolean;

  beforeAll(async () => {
    orderOurs = await generatedFor(everyKeywordDefs, 'Order');
    orderAjv = ajvFor(everyKeywordDefs, 'Order');
  });

  it('on 6,000 generated and mutated documents of a schema using every supported keyword', () => {
    const generator = new DocumentGenerator(everyKeywordDefs, seeded(20261127));
    const outcome = compare(
      orderOurs,
      orderAjv,
      documents(generator, () => generator.valid(everyKeywordDefs.Order!), 6000),
    );
    expect(outcome.mismatches.slice(0, 5)).toEqual([]);
    expect(outcome.valid).toBeGreaterThan(800);
    expect(outcome.invalid).toBeGreaterThan(1500);
    expect(outcome.excluded).toBeLessThan(600);
  });

  it('on mutations of a hand-written valid order', () => {
    const generator = new DocumentGenerator(everyKeywordDefs, seeded(7));
    const outcome = compare(orderOurs, orderAjv, documents(generator, validOrder, 2000));
    expect(outcome.mismatches.slice(0, 5)).toEqual([]);
    expect(outcome.valid).toBeGreaterThan(400);
    expect(outcome.invalid).toBeGreaterThan(1000);
  });

  it('on mutations of the benchmark purchase order', async () => {
    const ours = await generatedFor(purchaseOrderDefs, 'PurchaseOrder');
    const ajv = ajvFor(purchaseOrderDefs, 'PurchaseOrder');
    const generator = new DocumentGenerator(purchaseOrderDefs, seeded(42));
    const outcome = compare(
      ours,
      ajv,
      documents(generator, () => samplePurchaseOrder(3), 2000),
    );
    expect(outcome.mismatches.slice(0, 5)).toEqual([]);
    expect(outcome.valid).toBeGreaterThan(400);
    expect(outcome.invalid).toBeGreaterThan(1000);
  });
});
