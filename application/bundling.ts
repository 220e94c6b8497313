/**
 * How every function is bundled by esbuild (through NodejsFunction, in ESM format). The benchmarks
 * build the code they measure with the same settings, so they measure what Lambda runs.
 */

/** ESM bundles need `require` for the CommonJS dependencies esbuild leaves as `require` calls. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export const FUNCTION_BUNDLING = {
  target: 'node22',
  platform: 'node',
  mainFields: ['module', 'main'],
  minify: true,
  banner: ESM_REQUIRE_BANNER,
  // Stack traces point into the sources (functions run with --enable-source-maps); loading the
  // map is part of every cold start, so the benchmarks' bundles carry one too.
  sourceMap: true,
} as const;
