/**
 * A real `cdk synth -c env=dev` (with bundling, cdk-nag and validation, exactly what
 * `npm run synth -- dev` does) into a cache folder keyed by the sources, shared by every process
 * that starts a local environment (`npm start`, the demo, test files running in parallel): the
 * first one synthesizes, the others wait for it, and unchanged sources are not synthesized again.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
/** What the synth reads: the CDK app and every function bundle's sources (test/local/synth.test.ts). */
export const SYNTH_INPUTS = [
  'bin',
  'lib',
  'application',
  'functions',
  'adapters',
  'domain',
  'canonical',
  'state-machines',
  'cdk.json',
  'package-lock.json',
];

/**
 * Synthesizes the dev stage (or reuses a synth of the same sources and context); returns the cloud
 * assembly folder. `context.erpInstances` (JSON) declares business units, as `-c erpInstances=` does.
 */
export async function synthesizeDev(
  log: (line: string) => void = () => undefined,
  context: { readonly erpInstances?: string } = {},
): Promise<string> {
  const contextArgs = Object.entries(context).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  // A synth with other context is another assembly: its own folder.
  const key = contextArgs.length
    ? `${sourcesHash()}-${createHash('sha256').update(contextArgs.join('\0')).digest('hex').slice(0, 8)}`
    : sourcesHash();
  const base = join(tmpdir(), `supplyline-runtime-synth-${process.getuid?.() ?? 'user'}`);
  const out = join(base, key);
  const done = join(out, '.complete');
  const lock = join(base, `${key}.lock`);
  mkdirSync(base, { recursive: true });
  const deadline = Date.now() + 170_000;
  while (!existsSync(done)) {
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is synthesizing the same sources: wait for it (or for a stale lock to age out).
      if (Date.now() > deadline) throw new Error(`timed out waiting for the synth in ${out}`);
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 150_000)
        rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      // Synths of older sources, unused for an hour, are dropped (each is tens of MB).
      for (const entry of readdirSync(base)) {
        const path = join(base, entry);
        if (!entry.startsWith(key.slice(0, 16)) && Date.now() - statSync(path).mtimeMs > 3_600_000) {
          rmSync(path, { recursive: true, force: true });
        }
      }
      rmSync(out, { recursive: true, force: true });
      log('Synthesizing the dev environment (CDK, esbuild bundles, cdk-nag) ...');
      const result = spawnSync(
        'npx',
        ['cdk', 'synth', '--no-notices', '-q', '-c', 'env=dev', ...contextArgs, '-o', out],
        {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
        },
      );
      if (result.status !== 0) {
        throw new Error(
          `cdk synth -c env=dev failed:\n${(result.stderr || result.stdout).split('\n').slice(-30).join('\n')}`,
        );
      }
      writeFileSync(done, new Date().toISOString());
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return out;
}

/** Hash of the paths, sizes and modification times of everything the synth reads. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules') walk(join(path, entry));
    } else {
      hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const input of SYNTH_INPUTS) walk(join(ROOT, input));
  return hash.digest('hex').slice(0, 16);
}
