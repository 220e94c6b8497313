/**
 * What the API authorizer's Lambda bundle loads at cold start: every governed request's first call
 * waits for it (scripts/bench/functions.ts measures the time). It verifies a token and answers with
 * a policy, so it loads the logger but not the metrics, no SDK client and no canonical schema.
 */
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTION_BUNDLING } from '../../../application/bundling';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The packages and project folders esbuild puts in the bundle of `entry`, bundled as for Lambda. */
async function bundledModules(entry: string): Promise<string[]> {
  const { banner, mainFields, sourceMap: _sourceMap, ...settings } = FUNCTION_BUNDLING;
  const result = await build({
    ...settings,
    mainFields: [...mainFields],
    banner: { js: banner },
    entryPoints: [resolve(ROOT, entry)],
    bundle: true,
    format: 'esm',
    write: false,
    outdir: 'out',
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  const modules = Object.keys(output!.inputs).map(
    (path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/'),
  );
  return [...new Set(modules)].sort();
}

describe('api-authorizer bundle', () => {
  it('loads the logger and the token verifier, not the metrics, an SDK client or the canonical model', async () => {
    const modules = await bundledModules('functions/api/authorizer.ts');
    expect(modules).toContain('@aws-lambda-powertools/logger');
    expect(modules).toContain('aws-jwt-verify');
    expect(modules).not.toContain('@aws-lambda-powertools/metrics');
    expect(modules.filter((m) => m.startsWith('@aws-sdk/') || m.startsWith('@smithy/'))).toEqual([]);
    expect(modules.filter((m) => m.startsWith('canonical/'))).toEqual([]);
  });
});
