/**
 * Function bundles as deployed: for every Lambda function of the synthesized template, the size of
 * its minified bundle and the CPU time its module takes to load (INIT is billed and is cold-start
 * latency). Each bundle is imported in a fresh Node process so nothing is shared between measures.
 * Budgets: <= 700 KB minified, <= 120 ms module init CPU.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplateModel } from '../../assembly';
import { synthesizeDev } from '../../local/synth';
import { atMost, median, printTable, type BenchRow } from './harness';

/** CPU milliseconds to import `file` (ESM) in a fresh process, median of `runs`. */
function initCpuMs(file: string, environment: Record<string, string>, runs = 5): number {
  const script = `const s=process.cpuUsage();await import(${JSON.stringify(file)});const u=process.cpuUsage(s);process.stdout.write(String((u.user+u.system)/1000));`;
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: {
        ...environment,
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'us-east-1',
        AWS_LAMBDA_FUNCTION_NAME: 'bench',
      },
    });
    if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
    samples.push(Number(result.stdout));
  }
  return median(samples);
}

export async function benchFunctions(cdkOutArgument?: string): Promise<BenchRow[]> {
  const cdkOut = cdkOutArgument ?? (await synthesizeDev());
  const model = loadTemplateModel({ cdkOut, env: 'dev' });
  const rows: BenchRow[] = [];
  for (const fn of [...model.functions].sort((a, b) => a.constructId.localeCompare(b.constructId))) {
    const bundle = join(fn.assetDir, 'index.mjs');
    if (!existsSync(bundle)) continue; // CDK's own helper functions (e.g. log retention) are not ours
    rows.push(
      atMost(`${fn.constructId}: minified bundle`, Math.round(statSync(bundle).size / 1024), 'KB', 700),
    );
    rows.push(atMost(`${fn.constructId}: module init CPU`, initCpuMs(bundle, fn.environment), 'ms', 120));
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ok = printTable('Function bundles (dev synth)', await benchFunctions(process.argv[2]));
  process.exitCode = ok ? 0 : 1;
}
