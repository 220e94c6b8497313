import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TrytonRpc, type TrytonConnection } from '../../adapters/erp/tryton/jsonrpc';
import type { PostPurchaseOrderRequest } from '../../domain/ports/erp';
import {
  ensureTemplate,
  ensureUnseededDatabase,
  TRYTON_DATABASE,
  TRYTON_WORK_DIR,
} from '../../scripts/tryton/template';
import { startTrytond, TRYTON_ADMIN } from '../../scripts/tryton/server';

/** A throw-away Tryton 6.0 server seeded with local/seed/master-data.ts. */
export interface TrytonSandbox {
  url: string;
  db: string;
  user: string;
  password: string;
  /** Further databases the same server serves (option `databases`), each a copy of the seeded one. */
  databases: string[];
  logPath: string;
  /** CRITICAL lines of the trytond log: post-commit failures show only there, tests assert none. */
  criticalLines(): string[];
  /** Stops trytond and deletes the database copy (the log stays under .tmp/tryton/logs). */
  stop(): Promise<void>;
}

let counter = 0;

/**
 * Installs Tryton if needed (root + apt; otherwise fails saying what to install: never skips),
 * builds the template database once, copies it and starts trytond on a free loopback port.
 * Use in `beforeAll` (the first run on a fresh machine takes ~1 minute; vitest's hookTimeout is 180 s).
 * `unseeded`: modules activated but no master data, as a user's own new Tryton (to test the seeding).
 * `databases`: names of further databases to serve, e.g. one per business unit (one trytond serves
 * every SQLite database in its directory).
 * `queueWorker`: Tryton queues its post-commit tasks for a worker (none runs here), as a production
 * Tryton with a worker does: a confirmed purchase stays `confirmed` instead of being processed.
 */
export async function startTryton(
  options: { unseeded?: boolean; databases?: readonly string[]; queueWorker?: boolean } = {},
): Promise<TrytonSandbox> {
  const log = (line: string) => console.log(`[tryton] ${line}`);
  const template = options.unseeded ? await ensureUnseededDatabase(log) : await ensureTemplate(log);
  const runsDir = join(TRYTON_WORK_DIR, 'runs');
  pruneDeadRuns(runsDir);
  const runId = `${process.pid}-${++counter}-${Date.now()}`;
  const dbDir = join(runsDir, runId);
  const logDir = join(TRYTON_WORK_DIR, 'logs');
  mkdirSync(dbDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  copyFileSync(template, join(dbDir, `${TRYTON_DATABASE}.sqlite`));
  const databases = [...(options.databases ?? [])];
  for (const database of databases) copyFileSync(template, join(dbDir, `${database}.sqlite`));
  const server = await startTrytond({
    dbDir,
    database: TRYTON_DATABASE,
    logPath: join(logDir, `${runId}.log`),
    queueWorker: options.queueWorker,
  });
  return {
    url: server.url,
    db: TRYTON_DATABASE,
    databases,
    user: TRYTON_ADMIN.user,
    password: TRYTON_ADMIN.password,
    logPath: server.logPath,
    criticalLines: server.criticalLines,
    stop: async () => {
      await server.stop();
      rmSync(dbDir, { recursive: true, force: true });
    },
  };
}

/** Database copies of test processes that died without stop() (named `<pid>-...`). */
function pruneDeadRuns(runsDir: string): void {
  if (!existsSync(runsDir)) return;
  for (const name of readdirSync(runsDir)) {
    const pid = Number(name.split('-')[0]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(join(runsDir, name), { recursive: true, force: true });
    }
  }
}

/** The JSON-RPC connection to the sandbox's database. */
export function connectionOf(tryton: TrytonSandbox): TrytonConnection {
  return { url: tryton.url, database: tryton.db, user: tryton.user, password: tryton.password };
}

/** Asserts the sandbox logged no CRITICAL line, then stops it (use in `afterAll`). */
export async function stopChecked(tryton: TrytonSandbox): Promise<void> {
  try {
    expect(tryton.criticalLines(), `CRITICAL lines in ${tryton.logPath}`).toEqual([]);
  } finally {
    await tryton.stop();
  }
}

/** The date `days` from today, as YYYY-MM-DD. */
export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** JSON-RPC of a process that dies right after Tryton validated a purchase amendment. */
export class DyingAfterAmendmentRpc extends TrytonRpc {
  override async button(model: string, name: string, ids: number[]): Promise<void> {
    await super.button(model, name, ids);
    if (model === 'purchase.amendment' && name === 'validate_amendment')
      throw new Error('the process died after the amendment');
  }
}

/** A new order of 480 EA of SKU-10442 from S-1001 for WH-EAST, referenced `<prefix><uuid>`. */
export function newTrytonOrder(prefix: string): PostPurchaseOrderRequest {
  return {
    externalRef: `${prefix}${randomUUID()}`,
    supplierNumber: 'S-1001',
    warehouseCode: 'WH-EAST',
    purchaseDate: inDays(0),
    currency: 'USD',
    lines: [{ itemCode: 'SKU-10442', quantityEa: '480', unitPrice: '3.10', deliveryDate: inDays(30) }],
  };
}
