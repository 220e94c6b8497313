/**
 * Loads generated TypeScript modules in-process (tests and benchmarks): writes them to a fresh
 * directory under `.tmp/codegen/` and imports the entry module, so the code that runs is exactly
 * the code the build would ship.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Schema } from '../../canonical/schemas/dsl';
import { compileTypes } from './type-compiler';
import { compileValidators } from './validator-compiler';

const TMP_ROOT = fileURLToPath(new URL('../../.tmp/codegen/', import.meta.url));

/** `runtimeModule` for validators loaded here: the shared runtime, seen from `.tmp/codegen/<module>/`. */
export const GENERATED_RUNTIME_MODULE = '../../../canonical/validation-runtime';

/**
 * Writes `files` (module name without extension -> TypeScript source) to a temporary directory and
 * imports `entry`. Must run under a TypeScript-aware loader (tsx, vitest).
 */
export async function importGenerated<T>(files: Record<string, string>, entry: string): Promise<T> {
  await mkdir(TMP_ROOT, { recursive: true });
  const dir = await mkdtemp(join(TMP_ROOT, 'module-'));
  try {
    for (const [name, source] of Object.entries(files)) await writeFile(join(dir, `${name}.ts`), source);
    return (await import(pathToFileURL(join(dir, `${entry}.ts`)).href)) as T;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Compiles `defs` to a types and a validator module with `entries` (the carried validator when
 * `carried`) and imports the validators.
 */
export async function importValidators<T>(
  defs: Record<string, Schema>,
  entries: Record<string, string>,
  carried = false,
): Promise<T> {
  const validators = compileValidators({
    defs,
    entries,
    typesModule: './types',
    runtimeModule: GENERATED_RUNTIME_MODULE,
    carried,
  });
  return importGenerated<T>({ types: compileTypes(defs), validators }, 'validators');
}
