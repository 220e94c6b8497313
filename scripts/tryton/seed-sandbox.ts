/**
 * `npm run tryton:seed -- --url http://host:8000 --database db --user admin`: seeds your own Tryton
 * 6.0 (purchase and stock modules activated) with the master data the local runtime expects, the
 * same data the tests' template holds (local/seed/master-data.ts). The password comes from
 * SUPPLYLINE_TRYTON_PASSWORD, never the command line; a missing option falls back to the
 * SUPPLYLINE_TRYTON_* settings `npm start` reads. Idempotent: a second run creates nothing.
 * What it sets up: docs/sandboxes.md.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TrytonRpc, type TrytonConnection } from '../../adapters/erp/tryton/jsonrpc';
import { readSettings } from '../../local/environment';
import { masterData } from '../../local/seed/master-data';
import { seedMasterData, type SeedReport } from './seed';

/** Seeds the database behind `connection`; returns what was created and what already existed. */
export async function seedSandbox(
  connection: Omit<TrytonConnection, 'timeoutMs'>,
  log: (line: string) => void = () => undefined,
): Promise<SeedReport> {
  const rpc = new TrytonRpc({ ...connection, timeoutMs: 60_000 });
  return seedMasterData(rpc, masterData, log, connection.user);
}

/** The connection from the command line, else the SUPPLYLINE_TRYTON_* settings. */
export function connectionFrom(
  argv: string[],
  environment: NodeJS.ProcessEnv = process.env,
): Omit<TrytonConnection, 'timeoutMs'> {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, database: { type: 'string' }, user: { type: 'string' } },
  });
  const settings = readSettings(environment).tryton;
  const url = values.url ?? settings?.url;
  if (!url) throw new Error('no Tryton: pass --url http://host:8000 (or set SUPPLYLINE_TRYTON_URL)');
  const password = environment.SUPPLYLINE_TRYTON_PASSWORD ?? settings?.password;
  if (!password) throw new Error('set SUPPLYLINE_TRYTON_PASSWORD to the password of the Tryton user');
  return {
    url,
    database: values.database ?? settings?.database ?? 'supplyline',
    user: values.user ?? settings?.user ?? 'admin',
    password,
  };
}

/** The run's summary, one line per kind of outcome. */
export function formatSeedReport(report: SeedReport): string {
  return [
    `created (${report.created.length}): ${report.created.join(', ') || 'nothing'}`,
    `already there (${report.existing.length}): ${report.existing.join(', ') || 'nothing'}`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    const connection = connectionFrom(process.argv.slice(2));
    console.log(`[tryton] seeding ${connection.url} database ${connection.database} as ${connection.user}`);
    const report = await seedSandbox(connection, (line) => console.log(`[tryton] ${line}`));
    console.log(formatSeedReport(report));
  } catch (error) {
    console.error(`[tryton] ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
