/**
 * Installs Tryton 6.0 (as root with apt, when missing) and builds the cached template database, so
 * a CI job can pre-warm both before `npm test`. Run: `npx tsx scripts/tryton/provision.ts`.
 */
import { performance } from 'node:perf_hooks';
import { trytonInstalled } from './install';
import { ensureTemplate, templatePath } from './template';

const started = performance.now();
const wasInstalled = trytonInstalled();
const hadTemplate = wasInstalled && (await import('node:fs')).existsSync(templatePath());
const log = (line: string): void =>
  console.log(`[tryton] ${line} (+${Math.round(performance.now() - started)} ms)`);
try {
  const template = await ensureTemplate(log);
  log(
    `ready: template ${template} (${wasInstalled ? 'already installed' : 'installed now'}, ${
      hadTemplate ? 'cached template' : 'template built now'
    })`,
  );
} catch (error) {
  console.error(`[tryton] ${(error as Error).message}`);
  process.exitCode = 1;
}
