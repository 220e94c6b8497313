import { beforeAll, describe, expect, it } from 'vitest';
import { carried, identifier, number, object, string, type Schema } from '../../canonical/schemas/dsl';
import {
  importGenerated,
  importValidators,
  GENERATED_RUNTIME_MODULE,
} from '../../scripts/codegen/load-generated';
import {
  invalidPurchaseOrder,
  purchaseOrderDefs,
  samplePurchaseOrder,
} from '../../scripts/codegen/sample-purchase-order';
import { definitionsOf, UnsupportedSchemaError } from '../../scripts/codegen/schema-subset';
import { compileTypes } from '../../scripts/codegen/type-compiler';
import { compileValidators } from '../../scripts/codegen/validator-compiler';
import type { OrderValidators, ValidationErrorShape } from './fixtures';
import {
  everyKeywordDefs,
  everyKeywordSources,
  loadOrderValidators,
  typeCheck,
  validOrder,
} from './fixtures';

type Result = { ok: true; value: unknown } | { ok: false; errors: ValidationErrorShape[] };

function errorsOf(result: Result): { pointer: string; keyword: string }[] {
  if (result.ok) return [];
  return result.errors.map(({ pointer, keyword }) => ({ pointer, keyword }));
}

function sorted<T extends { pointer: string; keyword: string }>(errors: T[]): T[] {
  return [...errors].sort((a, b) => (a.pointer + a.keyword).localeCompare(b.pointer + b.keyword));
}

let order: OrderValidators;
let purchaseOrder: { validatePurchaseOrder(data: unknown): Result };

beforeAll(async () => {
  order = await loadOrderValidators();
  purchaseOrder = await importGenerated(
    {
      types: compileTypes(purchaseOrderDefs),
      validators: compileValidators({
        defs: purchaseOrderDefs,
        entries: { PurchaseOrder: 'PurchaseOrder' },
        typesModule: './types',
        runtimeModule: GENERATED_RUNTIME_MODULE,
      }),
    },
    'validators',
  );
});

describe('generated validator: verdicts and error lists', () => {
  it('accepts a valid document and returns it as the value', () => {
    const data = JSON.parse(JSON.stringify(samplePurchaseOrder())) as unknown;
    expect(purchaseOrder.validatePurchaseOrder(data)).toEqual({ ok: true, value: data });
    const result = order.validateOrder(validOrder());
    expect(errorsOf(result)).toEqual([]);
  });

  it('reports every fault of a document with many faults, each with its pointer and keyword', () => {
    const data = JSON.parse(JSON.stringify(invalidPurchaseOrder())) as unknown;
    const result = purchaseOrder.validatePurchaseOrder(data);
    expect(sorted(errorsOf(result))).toEqual(
      sorted([
        { pointer: '/lines/0/quantity', keyword: 'pattern' },
        { pointer: '/lines/1/uom', keyword: 'enum' },
        { pointer: '/lines/2/requestedDate', keyword: 'format' },
        { pointer: '/lines/3/sku', keyword: 'required' },
        { pointer: '/lines/4/taxRate', keyword: 'maximum' },
        { pointer: '/lines/5/lineNumber', keyword: 'type' },
        { pointer: '/lines/6/updatedAt', keyword: 'format' },
        { pointer: '/lines/7/colour', keyword: 'additionalProperties' },
        { pointer: '/lines/8/lineId', keyword: 'format' },
        { pointer: '/lines/9/currency', keyword: 'pattern' },
        { pointer: '/schemaVersion', keyword: 'const' },
        { pointer: '/supplier/id', keyword: 'minLength' },
        { pointer: '/supplier/id', keyword: 'pattern' },
        { pointer: '/supplier/countryCode', keyword: 'pattern' },
        { pointer: '/buyerId', keyword: 'required' },
        { pointer: '/__proto__', keyword: 'additionalProperties' },
      ]),
    );
    if (!result.ok) for (const error of result.errors) expect(error.message).not.toBe('');
  });

  it('escapes "~" as ~0 and "/" as ~1 in pointers (RFC 6901)', () => {
    const data: Record<string, unknown> = validOrder();
    delete data['a/b~c'];
    data['x/y~z'] = 1;
    data.tree = { label: 'r', children: [{ label: 'c', '~/': true }] };
    expect(sorted(errorsOf(order.validateOrder(data)))).toEqual(
      sorted([
        { pointer: '/a~1b~0c', keyword: 'required' },
        { pointer: '/x~1y~0z', keyword: 'additionalProperties' },
        { pointer: '/tree/children/0/~0~1', keyword: 'additionalProperties' },
      ]),
    );
  });

  it('reports the root pointer as "" and follows arrays and $refs', () => {
    expect(errorsOf(order.validateOrder([]))).toEqual([{ pointer: '', keyword: 'type' }]);
    const data = validOrder();
    data.lines = [{ sku: 'S', qty: 0, price: { amount: '1', currency: 'eu' }, discount: 1 }];
    expect(sorted(errorsOf(order.validateOrder(data)))).toEqual(
      sorted([
        { pointer: '/lines/0/qty', keyword: 'minimum' },
        { pointer: '/lines/0/price/currency', keyword: 'pattern' },
        { pointer: '/lines/0/discount', keyword: 'exclusiveMaximum' },
      ]),
    );
  });

  it('checks enum, const, nullable unions and untyped keywords', () => {
    const data = {
      ...validOrder(),
      status: 'pending',
      kind: 'invoice',
      level: 4,
      mixed: 'b',
      fixed: 41,
      nothing: 0,
      loose: 'a',
      numOrText: -1,
      country: 'XX',
      note: 5,
    };
    expect(sorted(errorsOf(order.validateOrder(data)))).toEqual(
      sorted([
        { pointer: '/status', keyword: 'enum' },
        { pointer: '/kind', keyword: 'const' },
        { pointer: '/level', keyword: 'enum' },
        { pointer: '/mixed', keyword: 'enum' },
        { pointer: '/fixed', keyword: 'const' },
        { pointer: '/nothing', keyword: 'type' },
        { pointer: '/loose', keyword: 'minLength' },
        { pointer: '/numOrText', keyword: 'minimum' },
        { pointer: '/country', keyword: 'enum' },
        { pointer: '/note', keyword: 'type' },
      ]),
    );
    const untyped = { ...validOrder(), loose: 6, numOrText: 'abcd', level: 2.5, mixed: null };
    expect(sorted(errorsOf(order.validateOrder(untyped)))).toEqual(
      sorted([
        { pointer: '/loose', keyword: 'maximum' },
        { pointer: '/numOrText', keyword: 'maxLength' },
        { pointer: '/level', keyword: 'type' },
      ]),
    );
  });

  it('counts string lengths in Unicode code points (minLength 2, maxLength 5)', () => {
    const verdict = (name: string): boolean => order.validateOrder({ ...validOrder(), name }).ok;
    expect(verdict('😀😀😀😀😀')).toBe(true); // 10 UTF-16 units, 5 code points
    expect(verdict('😀😀😀😀😀😀')).toBe(false);
    expect(verdict('😀')).toBe(false); // 2 units, 1 code point
    expect(verdict('a😀')).toBe(true);
    expect(verdict('\ud800\ud800')).toBe(true); // lone surrogates count one each
    expect(verdict('abcde')).toBe(true);
    expect(verdict('abcdef')).toBe(false);
  });

  it('accepts only finite numbers, and integers by Number.isInteger', () => {
    const verdict = (patch: Record<string, unknown>): boolean =>
      order.validateOrder({ ...validOrder(), ...patch }).ok;
    expect(verdict({ qty: 1.0 })).toBe(true);
    expect(verdict({ qty: 0.5 })).toBe(false);
    expect(verdict({ qty: NaN })).toBe(false);
    expect(verdict({ ratio: NaN })).toBe(false);
    expect(verdict({ ratio: Infinity })).toBe(false);
    expect(verdict({ ratio: -Infinity })).toBe(false);
    expect(verdict({ ratio: -0 })).toBe(true);
    expect(verdict({ scores: [1, Number.NaN] })).toBe(false);
  });

  it('stops at MAX_ERRORS errors and adds one final "maxErrors" error', () => {
    expect(order.MAX_ERRORS).toBe(100);
    const data = { ...validOrder(), scores: Array.from({ length: 1000 }, () => 'x') };
    const result = order.validateOrder(data);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(101);
    expect(result.errors.slice(0, 100).map((e) => e.pointer)).toEqual(
      Array.from({ length: 100 }, (_, i) => `/scores/${i}`),
    );
    expect(result.errors[100]).toMatchObject({ pointer: '', keyword: 'maxErrors' });
  });

  it('reports maxItems once and checks only the first maxItems items', () => {
    const data = { ...validOrder(), tags: Array.from({ length: 10 }, () => 7) };
    expect(errorsOf(order.validateOrder(data))).toEqual([
      { pointer: '/tags', keyword: 'maxItems' },
      ...[0, 1, 2, 3].map((i) => ({ pointer: `/tags/${i}`, keyword: 'type' })),
    ]);
  });
});

describe('generated validator: formats', () => {
  let formats: Record<string, (data: unknown) => Result>;
  beforeAll(async () => {
    const defs: Record<string, Schema> = {
      DateTime: { type: 'string', format: 'date-time' },
      Date: { type: 'string', format: 'date' },
      Uuid: { type: 'string', format: 'uuid' },
    };
    formats = await importGenerated(
      {
        types: compileTypes(defs),
        validators: compileValidators({
          defs,
          entries: { DateTime: 'DateTime', Date: 'Date', Uuid: 'Uuid' },
          typesModule: './types',
          runtimeModule: GENERATED_RUNTIME_MODULE,
        }),
      },
      'validators',
    );
  });

  it.each([
    ['2024-02-29T23:59:59Z', true],
    ['2024-02-29t23:59:59z', true],
    ['1985-04-12T23:20:50.52Z', true],
    ['1996-12-19T16:39:57-08:00', true],
    ['2024-06-30T23:59:60Z', true],
    ['2024-06-30T12:00:60+02:00', true], // leap second accepted at any time of day (documented)
    ['0000-01-01T00:00:00Z', true],
    ['2024-01-01T00:00:00.123456789+23:59', true],
    ['2023-02-29T10:00:00Z', false],
    ['2100-02-29T10:00:00Z', false],
    ['2024-04-31T10:00:00Z', false],
    ['2024-13-01T10:00:00Z', false],
    ['2024-00-01T10:00:00Z', false],
    ['2024-01-01T24:00:00Z', false],
    ['2024-01-01T23:60:00Z', false],
    ['2024-01-01T23:59:61Z', false],
    ['2024-01-01T12:00:00', false], // offset is mandatory
    ['2024-01-01 12:00:00Z', false], // RFC 3339 requires T (ajv-formats accepts a space)
    ['2024-01-01T12:00:00+0100', false], // offset needs the colon (ajv-formats accepts +0100)
    ['2024-01-01T12:00:00+01', false],
    ['2024-01-01T12:00:00+24:00', false],
    ['2024-01-01T12:00:00+01:60', false],
    ['2024-01-01T12:00:00.Z', false],
    ['2024-01-01T12:00Z', false],
    ['2024-01-01T12:00:00Z ', false],
    ['２０２４-01-01T12:00:00Z', false],
    ['', false],
  ])('date-time %j -> %s', (value, expected) => {
    expect(formats.validateDateTime!(value).ok).toBe(expected);
  });

  it.each([
    ['2024-02-29', true],
    ['2000-02-29', true],
    ['0000-02-29', true],
    ['2023-12-31', true],
    ['1900-02-29', false],
    ['2023-02-29', false],
    ['2023-06-31', false],
    ['2023-11-00', false],
    ['2023-1-01', false],
    ['20230101', false],
    ['2023-01-01T00:00:00Z', false],
    [' 2023-01-01', false],
  ])('date %j -> %s', (value, expected) => {
    expect(formats.validateDate!(value).ok).toBe(expected);
  });

  it.each([
    ['123e4567-e89b-12d3-a456-426614174000', true],
    ['123E4567-E89B-12D3-A456-426614174000', true],
    ['00000000-0000-0000-0000-000000000000', true],
    ['urn:uuid:123e4567-e89b-12d3-a456-426614174000', false], // ajv-formats accepts the urn prefix
    ['{123e4567-e89b-12d3-a456-426614174000}', false],
    ['123e4567e89b12d3a456426614174000', false],
    ['123e4567-e89b-12d3-a456-42661417400g', false],
    ['123e4567-e89b-12d3-a456_426614174000', false],
    ['123e4567-e89b-12d3-a456-4266141740000', false],
  ])('uuid %j -> %s', (value, expected) => {
    expect(formats.validateUuid!(value).ok).toBe(expected);
  });
});

describe('generated validator: hostile inputs', () => {
  it('reports __proto__, constructor and prototype keys from JSON.parse and never follows them', () => {
    const json =
      '{"__proto__": {"polluted": true}, "prototype": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}';
    const data = JSON.parse(json) as unknown;
    const result = order.validateOrder(data);
    const errors = errorsOf(result);
    expect(errors).toContainEqual({ pointer: '/__proto__', keyword: 'additionalProperties' });
    expect(errors).toContainEqual({ pointer: '/prototype', keyword: 'additionalProperties' });
    // "constructor" is a declared string property: its own value is checked, not Object.
    expect(errors).toContainEqual({ pointer: '/constructor', keyword: 'type' });
    expect(errors).toContainEqual({ pointer: '/id', keyword: 'required' });

    const lineJson = JSON.stringify({ ...validOrder(), lines: [] }).replace(
      '"lines":[]',
      '"lines":[{"__proto__":{"sku":"S","qty":1,"price":{"amount":"1","currency":"EUR"}}}]',
    );
    expect(sorted(errorsOf(order.validateOrder(JSON.parse(lineJson))))).toEqual(
      sorted([
        { pointer: '/lines/0/sku', keyword: 'required' },
        { pointer: '/lines/0/qty', keyword: 'required' },
        { pointer: '/lines/0/price', keyword: 'required' },
        { pointer: '/lines/0/__proto__', keyword: 'additionalProperties' },
      ]),
    );
    // An absent optional "constructor" is not read from Object.prototype.
    expect(order.validateOrder(validOrder()).ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('handles 10 MB strings', () => {
    const huge = 'a'.repeat(10 * 1024 * 1024);
    const data = {
      ...validOrder(),
      name: huge,
      code: huge,
      id: huge,
      createdAt: huge,
      due: huge,
      note: huge,
    };
    expect(sorted(errorsOf(order.validateOrder(data)))).toEqual(
      sorted([
        { pointer: '/name', keyword: 'maxLength' },
        { pointer: '/code', keyword: 'pattern' },
        { pointer: '/id', keyword: 'format' },
        { pointer: '/createdAt', keyword: 'format' },
        { pointer: '/due', keyword: 'format' },
        { pointer: '/note', keyword: 'maxLength' },
      ]),
    );
    const hugeKey = { ...validOrder(), [huge]: 1 };
    expect(errorsOf(order.validateOrder(hugeKey))).toEqual([
      { pointer: `/${huge}`, keyword: 'additionalProperties' },
    ]);
  });

  it('handles 1e6-element arrays', () => {
    const million = (value: unknown): unknown[] => new Array<unknown>(1_000_000).fill(value);
    expect(order.validateOrder({ ...validOrder(), scores: million(1) }).ok).toBe(true);
    const wrong = order.validateOrder({ ...validOrder(), scores: million('x') });
    expect(wrong.ok ? 0 : wrong.errors.length).toBe(101);
    const tooMany = errorsOf(order.validateOrder({ ...validOrder(), lines: million({}) }));
    expect(tooMany[0]).toEqual({ pointer: '/lines', keyword: 'maxItems' });
    // Only the first maxItems (5) lines are walked.
    expect(new Set(tooMany.slice(1).map((e) => e.pointer.split('/')[2]))).toEqual(
      new Set(['0', '1', '2', '3', '4']),
    );
    const manyKeys = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    const keyErrors = order.validateOrder({ ...validOrder(), ...manyKeys });
    expect(keyErrors.ok ? 0 : keyErrors.errors.length).toBe(101);
  });

  it('handles 10k-deep nesting under unknown and known keys without walking the data', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    let deepTree: Record<string, unknown> = { label: 'leaf' };
    for (let i = 0; i < 10_000; i++) deepTree = { label: 'n', children: [deepTree] };

    expect(errorsOf(order.validateOrder({ ...validOrder(), unknown: deep }))).toEqual([
      { pointer: '/unknown', keyword: 'additionalProperties' },
    ]);
    expect(order.validateOrder({ ...validOrder(), meta: deep }).ok).toBe(true); // open object: extra keys allowed
    expect(order.validateOrder({ ...validOrder(), anything: deep }).ok).toBe(true);
    expect(errorsOf(order.validateOrder({ ...validOrder(), strict: deep }))).toEqual([
      { pointer: '/strict/a', keyword: 'additionalProperties' },
    ]);
    expect(sorted(errorsOf(order.validateOrder({ ...validOrder(), lines: [deep] })))).toEqual(
      sorted([
        { pointer: '/lines/0/sku', keyword: 'required' },
        { pointer: '/lines/0/qty', keyword: 'required' },
        { pointer: '/lines/0/price', keyword: 'required' },
        { pointer: '/lines/0/a', keyword: 'additionalProperties' },
      ]),
    );
    // A recursive definition follows the data as deep as the schema allows, then stops.
    const tree = errorsOf(order.validateOrder({ ...validOrder(), tree: deepTree }));
    expect(tree).toHaveLength(1);
    expect(tree[0]!.keyword).toBe('maxDepth');
    expect(tree[0]!.pointer.startsWith('/tree/children/0/children/0/')).toBe(true);
  });

  it('never throws on values JSON cannot produce', () => {
    class Order {
      id = 'x';
    }
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const throwingGetter = validOrder();
    Object.defineProperty(throwingGetter, 'name', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const hostile: [string, unknown, string][] = [
      ['undefined', undefined, 'type'],
      ['a function', () => validOrder(), 'type'],
      ['a symbol', Symbol('order'), 'type'],
      ['a bigint', 10n, 'type'],
      ['NaN', NaN, 'type'],
      ['a Date', new Date(), 'type'],
      ['a Map', new Map([['id', 'x']]), 'type'],
      ['a class instance', new Order(), 'type'],
      ['a String object', new String('x'), 'type'],
      ['a revoked proxy', revoked, 'exception'],
      ['a throwing getter', throwingGetter, 'exception'],
      ['a nested class instance', { ...validOrder(), tree: new Order() }, 'type'],
      ['sparse lines', { ...validOrder(), lines: new Array(3) }, 'type'],
      ['a bigint quantity', { ...validOrder(), qty: 1n }, 'type'],
      ['a function in an enum slot', { ...validOrder(), mixed: () => 'a' }, 'enum'],
    ];
    for (const [, value, keyword] of hostile) {
      let result: Result | undefined;
      expect(() => (result = order.validateOrder(value))).not.toThrow();
      expect(result!.ok).toBe(false);
      if (!result!.ok) expect(result!.errors.map((e) => e.keyword)).toContain(keyword);
    }
    // A null-prototype object is still a plain JSON object.
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, validOrder());
    expect(order.validateOrder(nullProto).ok).toBe(true);
    // An own property holding undefined counts as absent.
    expect(errorsOf(order.validateOrder({ ...validOrder(), name: undefined }))).toEqual([
      { pointer: '/name', keyword: 'required' },
    ]);
  });

  it('leaves Object.prototype untouched', () => {
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });
});

describe('generation', () => {
  const base = (schema: Schema): Record<string, Schema> => ({ Thing: schema });
  it.each<[string, Record<string, Schema>]>([
    ['oneOf', base({ oneOf: [{ type: 'string' }] } as Schema)],
    ['anyOf', base({ anyOf: [{ type: 'string' }] } as Schema)],
    ['allOf', base({ allOf: [{ type: 'string' }] } as Schema)],
    ['not', base({ not: { type: 'string' } } as Schema)],
    ['if/then', base({ if: { type: 'string' }, then: {} } as Schema)],
    ['patternProperties', base({ type: 'object', patternProperties: { x: {} } } as Schema)],
    [
      'additionalProperties schema',
      base({ type: 'object', additionalProperties: { type: 'string' } } as unknown as Schema),
    ],
    ['prefixItems', base({ type: 'array', prefixItems: [{}] } as Schema)],
    ['tuple items', base({ type: 'array', items: [{ type: 'string' }] } as unknown as Schema)],
    ['uniqueItems', base({ type: 'array', uniqueItems: true } as Schema)],
    ['multipleOf', base({ type: 'number', multipleOf: 2 } as Schema)],
    ['dependentRequired', base({ type: 'object', dependentRequired: {} } as Schema)],
    [
      'nested unsupported keyword',
      base({ type: 'object', properties: { a: { type: 'string', contentEncoding: 'base64' } as Schema } }),
    ],
    ['unknown format', base({ type: 'string', format: 'email' } as unknown as Schema)],
    ['unknown type', base({ type: 'text' } as unknown as Schema)],
    ['$ref to a missing definition', base({ $ref: '#/$defs/Missing' })],
    ['$ref outside the document', base({ $ref: 'other.json#/$defs/Thing' })],
    ['nested $defs', base({ $defs: { Inner: { type: 'string' } } })],
    ['$id inside a definition', base({ $id: 'https://example.test/thing', type: 'string' })],
    ['non-ASCII pattern', base({ type: 'string', pattern: '^é$' })],
    ['"." in a pattern', base({ type: 'string', pattern: '^.{1,3}$' })],
    ['negated class in a pattern', base({ type: 'string', pattern: '^[^a]$' })],
    ['\\p in a pattern', base({ type: 'string', pattern: '^\\p{L}$' })],
    ['invalid pattern', base({ type: 'string', pattern: '^(a$' })],
    ['keyword of another type', base({ type: 'integer', minLength: 1 })],
    ['negative maxLength', base({ type: 'string', maxLength: -1 })],
    ['non-primitive enum value', base({ enum: [{ a: 1 }] } as unknown as Schema)],
    ['reserved definition name', { ValidationError: { type: 'string' } }],
    ['non-identifier definition name', { 'Purchase-Order': { type: 'string' } }],
  ])('throws on %s', (_, defs) => {
    expect(() =>
      compileValidators({
        defs,
        entries: {},
        typesModule: './types',
        runtimeModule: GENERATED_RUNTIME_MODULE,
      }),
    ).toThrow(UnsupportedSchemaError);
    expect(() => compileTypes(defs)).toThrow(UnsupportedSchemaError);
  });

  it('throws on an entry that names no definition', () => {
    expect(() =>
      compileValidators({
        defs: { A: { type: 'string' } },
        entries: { B: 'B' },
        typesModule: './types',
        runtimeModule: GENERATED_RUNTIME_MODULE,
      }),
    ).toThrow(/undefined definition/);
  });

  it('takes a whole schema document with $id and $schema at its root', () => {
    const defs = definitionsOf({
      $id: 'https://example.test/canonical',
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'Canonical',
      $defs: { A: { type: 'string' } },
    });
    expect(Object.keys(defs)).toEqual(['A']);
    expect(() => definitionsOf({ type: 'object', $defs: {} })).toThrow(UnsupportedSchemaError);
  });

  it('emits straight-line code: one function per $def, hoisted regexes, no runtime compilation', () => {
    const { validators } = everyKeywordSources();
    for (const name of Object.keys(everyKeywordDefs)) {
      expect(validators.match(new RegExp(`^function check_${name}\\(`, 'gm'))).toHaveLength(1);
    }
    const regexes = validators.match(/new RegExp\(/g) ?? [];
    const hoisted = validators.match(/^const PATTERN_\d+ = new RegExp\(/gm) ?? [];
    expect(regexes.length).toBe(hoisted.length);
    expect(hoisted.length).toBe(4); // decimal, currency, code, identifier: each once
    // One string literal argument: no flags (no "u").
    const flagless = validators.match(/^const PATTERN_\d+ = new RegExp\("(?:[^"\\]|\\.)*"\);$/gm) ?? [];
    expect(flagless.length).toBe(hoisted.length);
    expect(validators).not.toMatch(/\beval\(|new Function\(|JSON\.parse/);
  });

  it('emits modules that type-check with the project strict options', () => {
    const { types, validators } = everyKeywordSources();
    const consumer = `
      import { validateOrder, type ValidationError } from './validators';
      import type { Order } from './types';
      export function use(data: unknown): Order | ValidationError[] {
        const result = validateOrder(data);
        return result.ok ? result.value : result.errors;
      }
    `;
    expect(typeCheck({ types, validators, consumer })).toEqual([]);
  });
});

describe('carried validators', () => {
  type Validate = (data: unknown) => { ok: boolean };
  const load = (defs: Record<string, Schema>, entries: Record<string, string>, isCarried: boolean) =>
    importValidators<Record<string, Validate>>(defs, entries, isCarried);

  it('counts multipleOf a power of ten in decimals as the number is written, not by binary division', async () => {
    const { validateMicros, validateWhole } = await load(
      { Micros: number({ multipleOf: 0.000001 }), Whole: number({ multipleOf: 1 }) },
      { Micros: 'Micros', Whole: 'Whole' },
      false,
    );
    for (const ok of [0, 0.1, 12.5, -0.5, 0.000001, 123.456789, 1e21, 999_999_999.999999]) {
      expect(validateMicros!(ok).ok, String(ok)).toBe(true);
    }
    for (const refused of [0.0000001, 1.5e-7, 1e-7, 0.1 + 0.2, 1.0000005]) {
      expect(validateMicros!(refused).ok, String(refused)).toBe(false);
    }
    expect([3, 0, 1e21, 0.5, 1e-7].map((n) => validateWhole!(n).ok)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    for (const unsupported of [2, 0.3, 1e-16, 0]) {
      await expect(load({ N: number({ multipleOf: unsupported }) }, { N: 'N' }, false)).rejects.toThrow(
        UnsupportedSchemaError,
      );
    }
  });

  it("checks a carried field's vendor schema and its canonical limits; the vendor validator and the document only the first", async () => {
    const defs = {
      Delivery: object(
        {
          id: carried(string({ minLength: 1 }), identifier('Id', 4)),
          qty: carried(number(), number({ minimum: 0 })),
          // Two patterns do not combine into one node: both are checked.
          code: carried(string({ pattern: '^[0-9]+$' }), string({ pattern: '^[1-9]' })),
        },
        { open: true, optional: ['code'] },
      ),
      Unused: string(),
    };
    const vendor = await load(defs, { Delivery: 'Delivery' }, false);
    const carriedModule = await load(defs, { CarriedDelivery: 'Delivery' }, true);
    const cases: [unknown, boolean, boolean][] = [
      [{ id: 'AB', qty: 1 }, true, true],
      [{ id: 'ABCDE', qty: 1 }, true, false],
      [{ id: 'A B', qty: 1 }, true, false],
      [{ id: 'AB', qty: -1 }, true, false],
      [{ id: '', qty: 1 }, false, false],
      [{ id: 'AB', qty: '1' }, false, false],
      [{ id: 'AB', qty: 1, code: '12' }, true, true],
      [{ id: 'AB', qty: 1, code: '012' }, true, false],
      [{ id: 'AB', qty: 1, code: '1a' }, false, false],
    ];
    for (const [data, vendorOk, carriedOk] of cases) {
      expect(vendor.validateDelivery!(data).ok, JSON.stringify(data)).toBe(vendorOk);
      expect(carriedModule.validateCarriedDelivery!(data).ok, JSON.stringify(data)).toBe(carriedOk);
    }
    expect(JSON.stringify(defs)).not.toMatch(/A-Za-z0-9|maxLength|minimum|\^\[1-9\]/);
    // Only what the entries reach is emitted.
    const source = compileValidators({
      defs,
      entries: { CarriedDelivery: 'Delivery' },
      typesModule: './types',
      runtimeModule: GENERATED_RUNTIME_MODULE,
      carried: true,
    });
    expect(source).not.toContain('check_Unused');
  });

  it('holds carried limits to the supported subset too', () => {
    expect(() =>
      compileValidators({
        defs: { A: carried(string(), string({ pattern: '^[^a]$' })) },
        entries: { A: 'A' },
        typesModule: './types',
        runtimeModule: GENERATED_RUNTIME_MODULE,
      }),
    ).toThrow(UnsupportedSchemaError);
  });
});
