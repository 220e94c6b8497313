/**
 * The layout is the architecture (docs/conventions.md draws it): imports between top-level folders
 * point one way, the domain does no I/O, and no hand-written file grows past what a reader can hold.
 * These tests read the imports as text, so they run in milliseconds and fail the moment an arrow
 * climbs back up.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Which top-level folders each folder may import. Anything not listed is refused. `scripts` and
 * `test` drive the whole product and may import anything.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  canonical: [],
  domain: ['canonical'],
  application: ['domain', 'canonical'],
  adapters: ['domain', 'canonical', 'application'],
  functions: ['adapters', 'domain', 'canonical', 'application'],
  'state-machines': [],
  lib: ['application', 'canonical'],
  bin: ['lib', 'application'],
  assembly: ['application', 'canonical'],
  ops: ['assembly', 'adapters', 'application', 'domain', 'canonical'],
  local: ['assembly', 'ops', 'adapters', 'application', 'domain', 'canonical'],
};

/** Node modules that reach outside the process: the domain receives such things as ports. */
const IO_MODULES = new Set([
  'fs',
  'fs/promises',
  'os',
  'path',
  'child_process',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'tls',
  'worker_threads',
  'cluster',
  'readline',
]);

/** Only the CDK app (and scripts and tests) may build infrastructure: everything else is plain code. */
const CDK_PACKAGES = /^(aws-cdk-lib|constructs|cdk-nag)(\/|$)/;
const CDK_FOLDERS = new Set(['lib', 'bin']);

/** Hand-written files longer than this say in their header why they stay whole. */
const MAX_LINES = 600;
const STAYS_WHOLE = /stays whole/i;

interface Import {
  file: string;
  specifier: string;
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;

/** Every import specifier of a source text (static, dynamic, re-exports and bare side effects). */
export function importsOf(file: string, source: string): Import[] {
  return [...source.matchAll(IMPORT)].map((m) => ({ file, specifier: (m[1] ?? m[2] ?? m[3])! }));
}

const topFolder = (path: string): string => path.split('/')[0]!;

/** The arrows between top-level folders that the rules refuse, as `from -> to (file: specifier)`. */
export function forbiddenArrows(imports: readonly Import[]): string[] {
  const refused: string[] = [];
  for (const { file, specifier } of imports) {
    const from = topFolder(file);
    const rules = ALLOWED[from];
    if (!rules) continue;
    if (specifier.startsWith('.')) {
      const to = topFolder(normalize(join(dirname(file), specifier)));
      if (to !== from && !rules.includes(to)) refused.push(`${from} -> ${to} (${file}: ${specifier})`);
    } else if (CDK_PACKAGES.test(specifier) && !CDK_FOLDERS.has(from)) {
      refused.push(`${from} -> ${specifier} (${file})`);
    } else if (from === 'domain' && specifier.startsWith('node:')) {
      if (IO_MODULES.has(specifier.slice('node:'.length))) refused.push(`domain -> ${specifier} (${file})`);
    } else if (from === 'domain' && IO_MODULES.has(specifier)) {
      refused.push(`domain -> node:${specifier} (${file})`);
    }
  }
  return refused;
}

/** Folder-level cycles, each as the path that closes it. */
export function folderCycles(imports: readonly Import[]): string[] {
  const edges = new Map<string, Set<string>>();
  for (const { file, specifier } of imports) {
    if (!specifier.startsWith('.')) continue;
    const from = topFolder(file);
    const to = topFolder(normalize(join(dirname(file), specifier)));
    if (from === to || from === 'test' || from === 'scripts') continue;
    edges.set(from, (edges.get(from) ?? new Set()).add(to));
  }
  const cycles: string[] = [];
  const visit = (node: string, path: string[]): void => {
    for (const next of edges.get(node) ?? []) {
      if (next === path[0]) cycles.push([...path, next].join(' -> '));
      else if (!path.includes(next) && next > path[0]!) visit(next, [...path, next]);
    }
  };
  for (const start of edges.keys()) visit(start, [start]);
  return cycles;
}

const sourceFiles = (): string[] =>
  execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.mts', '*.mjs'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file && !file.startsWith('test/') && !file.includes('/generated/'))
    .filter((file) => {
      try {
        readFileSync(join(ROOT, file));
        return true;
      } catch {
        return false; // deleted in the working tree
      }
    });

describe('the rules themselves', () => {
  it('refuse an arrow that climbs back up, domain I/O, and CDK outside the CDK app', () => {
    const imports = [
      ...importsOf('domain/commitment/types.ts', "import type { ErpPort } from '../../adapters/erp/port';"),
      ...importsOf('domain/forecast-sync/sync.ts', "import { open } from 'node:fs/promises';"),
      ...importsOf('ops/topology.ts', "import { read } from '../assembly';"),
      ...importsOf('functions/x.ts', "const m = await import('../local/runtime/runtime');"),
      ...importsOf('domain/hash.ts', "import { createHash } from 'node:crypto';"),
      ...importsOf('application/functions.ts', "import { Duration } from 'aws-cdk-lib';"),
      ...importsOf('lib/stack.ts', "import { Stack } from 'aws-cdk-lib';"),
    ];
    expect(forbiddenArrows(imports)).toEqual([
      'domain -> adapters (domain/commitment/types.ts: ../../adapters/erp/port)',
      'domain -> node:fs/promises (domain/forecast-sync/sync.ts)',
      'functions -> local (functions/x.ts: ../local/runtime/runtime)',
      'application -> aws-cdk-lib (application/functions.ts)',
    ]);
  });

  it('find a cycle between folders', () => {
    const imports = [
      ...importsOf('ops/topology.ts', "import { a } from '../local/x';"),
      ...importsOf('local/start.ts', "export { b } from '../ops/y';"),
    ];
    expect(folderCycles(imports)).toEqual(['local -> ops -> local']);
  });
});

describe('the layout', () => {
  const files = sourceFiles();
  const imports = files.flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8')));

  it('reads the whole tree', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(imports.some((i) => i.file.startsWith('domain/') && i.specifier.includes('canonical'))).toBe(true);
  });

  it('has imports between top-level folders that point one way only, and a domain without I/O', () => {
    expect(forbiddenArrows(imports)).toEqual([]);
  });

  it('has no import cycle between top-level folders', () => {
    expect(folderCycles(imports)).toEqual([]);
  });

  it(`has no hand-written file over ${MAX_LINES} lines unless its header says why it stays whole`, () => {
    const long = files.filter((file) => {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      return lines.length > MAX_LINES && !STAYS_WHOLE.test(lines.slice(0, 20).join('\n'));
    });
    expect(long).toEqual([]);
  });
});
