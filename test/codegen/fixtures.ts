/**
 * A representative schema using every keyword the generators support, the generated modules for
 * it, and a TypeScript type-check helper over in-memory files.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';
import type { Schema } from '../../canonical/schemas/dsl';
import { decimal, identifier, nullable, object, ref, string, text } from '../../canonical/schemas/dsl';
import { importGenerated, GENERATED_RUNTIME_MODULE } from '../../scripts/codegen/load-generated';
import { compileTypes } from '../../scripts/codegen/type-compiler';
import { compileValidators } from '../../scripts/codegen/validator-compiler';

/** Every supported keyword, including untyped keywords, unions with null and a recursive $ref. */
export const everyKeywordDefs: Record<string, Schema> = {
  Money: object(
    { amount: decimal('Amount.'), currency: string({ pattern: '^[A-Z]{3}$' }) },
    { description: 'An exact amount with its currency.' },
  ),
  Line: object(
    {
      sku: identifier('Item.', 12),
      qty: { type: 'integer', minimum: 1, maximum: 100 },
      price: ref('Money', 'Unit price.'),
      discount: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    },
    { optional: ['discount'] },
  ),
  Node: {
    type: 'object',
    description: 'A recursive tree.',
    properties: {
      label: { type: 'string', maxLength: 8 },
      children: { type: 'array', items: { $ref: '#/$defs/Node' }, maxItems: 3 },
    },
    required: ['label'],
    additionalProperties: false,
  },
  Order: {
    title: 'Order',
    description: 'Test order.',
    examples: [{}],
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      createdAt: { type: 'string', format: 'date-time' },
      due: { type: 'string', format: 'date' },
      name: { type: 'string', minLength: 2, maxLength: 5 },
      code: { type: 'string', pattern: '^[A-Z]{2}-[0-9]{2,4}$' },
      qty: { type: 'integer', minimum: -5, maximum: 5 },
      ratio: { type: 'number', minimum: -1.5, maximum: 1.5 },
      status: { type: 'string', enum: ['open', 'closed'], deprecated: true },
      kind: { type: 'string', const: 'order' },
      level: { type: ['integer', 'null'], enum: [1, 2, 3, null] },
      mixed: { enum: ['a', 1, true, null] },
      fixed: { const: 42 },
      flag: { type: 'boolean' },
      nothing: { type: 'null' },
      anything: {},
      loose: { minLength: 2, maximum: 5, minItems: 1 },
      numOrText: { type: ['number', 'string'], minimum: 0, maxLength: 3 },
      country: {
        type: 'string',
        enum: ['NL', 'DE', 'BE', 'FR', 'LU', 'AT', 'DK', 'SE', 'NO', 'FI'],
      },
      tags: { type: 'array', items: { type: 'string', maxLength: 3 }, minItems: 1, maxItems: 4 },
      scores: { type: 'array', items: { type: 'number' } },
      lines: { type: 'array', items: ref('Line'), minItems: 1, maxItems: 5 },
      note: nullable(text('Free text.', 10)),
      tree: ref('Node'),
      'a/b~c': { type: 'string' },
      // Contextual typing does not reach a property named "constructor" in a literal.
      constructor: { type: 'string' } as Schema,
      meta: { type: 'object', properties: { source: { type: 'string' } } },
      strict: { type: 'object', additionalProperties: false },
    },
    required: ['id', 'createdAt', 'name', 'qty', 'status', 'lines', 'a/b~c'],
    additionalProperties: false,
  },
};

/** Module shape of the validators generated for {@link everyKeywordDefs}. */
export interface OrderValidators {
  validateOrder(data: unknown): { ok: true; value: unknown } | { ok: false; errors: ValidationErrorShape[] };
  validateNode(data: unknown): { ok: true; value: unknown } | { ok: false; errors: ValidationErrorShape[] };
  MAX_ERRORS: number;
}

export interface ValidationErrorShape {
  pointer: string;
  keyword: string;
  message: string;
}

/** The generated sources for {@link everyKeywordDefs}. */
export function everyKeywordSources(): { types: string; validators: string } {
  return {
    types: compileTypes(everyKeywordDefs),
    validators: compileValidators({
      defs: everyKeywordDefs,
      entries: { Order: 'Order', Node: 'Node' },
      typesModule: './types',
      runtimeModule: GENERATED_RUNTIME_MODULE,
    }),
  };
}

/** Generates, writes and imports the validators for {@link everyKeywordDefs}. */
export function loadOrderValidators(): Promise<OrderValidators> {
  return importGenerated<OrderValidators>(everyKeywordSources(), 'validators');
}

/** A valid Order document. */
export function validOrder(): Record<string, unknown> {
  return {
    id: '123e4567-e89b-12d3-a456-426614174000',
    createdAt: '2024-02-29T23:59:59.5+01:00',
    due: '2024-03-01',
    name: 'Anna',
    code: 'AB-123',
    qty: 0,
    ratio: 1.5,
    status: 'open',
    kind: 'order',
    level: null,
    mixed: true,
    fixed: 42,
    flag: false,
    nothing: null,
    anything: { whatever: [1, 2] },
    loose: 'ab',
    numOrText: 'abc',
    country: 'FI',
    tags: ['x', 'yz'],
    scores: [1, 2.5],
    lines: [{ sku: 'SKU-1', qty: 1, price: { amount: '-1.50', currency: 'EUR' }, discount: 0.5 }],
    note: null,
    tree: { label: 'root', children: [{ label: 'a' }, { label: 'b', children: [] }] },
    'a/b~c': 'slash',
    meta: { source: 'erp', extra: 1 },
    strict: {},
  };
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noEmit: true,
  types: [],
};

/**
 * Type-checks in-memory TypeScript modules (name without extension -> source) with the project's
 * strict options; returns the diagnostics as `file:line: message` strings (empty when clean).
 */
export function typeCheck(files: Record<string, string>): string[] {
  // Laid out as importGenerated writes them, next to the shared validation runtime they import.
  const root = '/virtual/.tmp/codegen/module/';
  const sources = new Map(Object.entries(files).map(([name, text]) => [`${root}${name}.ts`, text]));
  sources.set(
    posix.join(root, `${GENERATED_RUNTIME_MODULE}.ts`),
    readFileSync(new URL('../../canonical/validation-runtime.ts', import.meta.url), 'utf8'),
  );
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError) => {
    const text = sources.get(fileName);
    return text !== undefined
      ? ts.createSourceFile(fileName, text, languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => sources.has(fileName) || fileExists(fileName);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (name) =>
    [...sources.keys()].some((file) => file.startsWith(`${name}/`)) || (directoryExists?.(name) ?? false);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => sources.get(fileName) ?? readFile(fileName);
  const program = ts.createProgram([...sources.keys()], COMPILER_OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${diagnostic.file.fileName}:${line + 1}: ${message}`;
  });
}
