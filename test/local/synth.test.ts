/**
 * The local runtime reuses a dev synth while its sources are unchanged: every folder the CDK app
 * and the function bundles read must be among the sources it hashes, or a change there (say, a
 * grant in the function catalog) would run against a stale synth.
 */
import { build } from 'esbuild';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTION_CATALOG } from '../../application/functions';
import { PROJECT_ROOT } from '../../lib/supplyline-stack';
import { SYNTH_INPUTS } from '../../local/synth';

describe('the dev synth cache key', () => {
  it('hashes every folder the CDK app and the function bundles import', async () => {
    const entries = ['bin/supplyline.ts', ...FUNCTION_CATALOG.map((definition) => definition.entry)];
    const result = await build({
      entryPoints: entries.map((entry) => resolve(PROJECT_ROOT, entry)),
      bundle: true,
      write: false,
      outdir: 'out',
      platform: 'node',
      format: 'esm',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
    });
    const folders = new Set(
      Object.keys(result.metafile.inputs).map(
        (input) => relative(PROJECT_ROOT, resolve(input)).split('/')[0]!,
      ),
    );
    expect([...folders].filter((folder) => !SYNTH_INPUTS.includes(folder)).sort()).toEqual([]);
  });
});
