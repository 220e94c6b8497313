/**
 * The benchmarks measure code bundled as Lambda runs it (scripts/bench/harness.ts): the same
 * esbuild settings as the functions, source map included, since a deployed function loads its map
 * at init (--enable-source-maps).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER } from '../../application/bundling';
import { bundleLikeLambda } from '../../scripts/bench/harness';

const dir = mkdtempSync(join(tmpdir(), 'bench-harness-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bundleLikeLambda', () => {
  it('bundles minified ESM with the createRequire banner and a linked source map, as the functions are deployed', async () => {
    const bundle = await bundleLikeLambda(
      resolve(import.meta.dirname, '../../functions/api/authorizer.ts'),
      join(dir, 'index.mjs'),
    );
    const code = readFileSync(bundle, 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(`${bundle}.map`)).toBe(true);
  });
});
