import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrytonRpc } from '../../adapters/erp/tryton/jsonrpc';
import { masterData } from '../../local/seed/master-data';
import { ensureTrytonInstalled, SYSTEM_PYTHON, TRYTON_MODULES, TRYTOND_ADMIN } from './install';
import { seedMasterData } from './seed';
import { startTrytond, TRYTON_ADMIN, writeTrytondConf } from './server';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root. */
export const REPO_ROOT = resolve(here, '../..');
/** Everything Tryton writes locally lives here (gitignored via `.tmp/`). */
export const TRYTON_WORK_DIR = join(REPO_ROOT, '.tmp/tryton');
/** Name of the database inside every SQLite file these scripts make. */
export const TRYTON_DATABASE = 'supplyline';

/**
 * The template is keyed by what goes into it: the seed code, the master data and the module list.
 * Change any of them and the next run builds a fresh template.
 */
export function templatePath(): string {
  const hash = createHash('sha256')
    .update(readFileSync(join(here, 'seed.ts')))
    .update(JSON.stringify(masterData))
    .update(TRYTON_MODULES.join(','))
    .digest('hex')
    .slice(0, 12);
  return join(TRYTON_WORK_DIR, `template-${hash}.sqlite`);
}

/**
 * Makes sure Tryton is installed and the template database exists, building it once (~30 s:
 * module activation, then seeding over JSON-RPC). Safe to call from parallel test workers: one
 * builds under a lock, the others wait. Returns the template's path.
 */
export async function ensureTemplate(log: (line: string) => void = () => undefined): Promise<string> {
  return ensureBuilt(templatePath(), log, (template) => buildTemplate(template, log));
}

/** A database with the modules activated and no master data: what a user's own new Tryton looks like. */
export function unseededPath(): string {
  const hash = createHash('sha256').update(TRYTON_MODULES.join(',')).digest('hex').slice(0, 12);
  return join(TRYTON_WORK_DIR, `unseeded-${hash}.sqlite`);
}

/**
 * Makes sure the unseeded database exists (modules activated, nothing seeded), for tests of the
 * seeding itself (`npm run tryton:seed`). Returns its path.
 */
export async function ensureUnseededDatabase(log: (line: string) => void = () => undefined): Promise<string> {
  return ensureBuilt(unseededPath(), log, async (unseeded) => {
    const { buildDir, dbFile } = activateModules(log);
    keep(dbFile, unseeded);
    rmSync(buildDir, { recursive: true, force: true });
  });
}

/** Builds `path` once, under the provisioning lock shared by every build, after installing Tryton. */
async function ensureBuilt(
  path: string,
  log: (line: string) => void,
  build: (path: string) => Promise<void>,
): Promise<string> {
  if (existsSync(path)) return path;
  mkdirSync(TRYTON_WORK_DIR, { recursive: true });
  return withLock(join(TRYTON_WORK_DIR, 'provision.lock'), async () => {
    if (existsSync(path)) return path;
    ensureTrytonInstalled(log);
    await build(path);
    return path;
  });
}

/** Copies a finished build into place atomically: parallel readers never see half a file. */
function keep(dbFile: string, target: string): void {
  const partial = `${target}.partial-${process.pid}`;
  copyFileSync(dbFile, partial);
  renameSync(partial, target);
}

/** A fresh build directory holding a new database with the modules activated. */
function activateModules(log: (line: string) => void): { buildDir: string; dbFile: string } {
  // We hold the lock: any other build directory is left over from a failed or killed build.
  for (const name of readdirSync(TRYTON_WORK_DIR)) {
    if (name.startsWith('build-')) rmSync(join(TRYTON_WORK_DIR, name), { recursive: true, force: true });
  }
  const buildDir = join(TRYTON_WORK_DIR, `build-${process.pid}`);
  mkdirSync(buildDir, { recursive: true });
  const dbFile = join(buildDir, `${TRYTON_DATABASE}.sqlite`);
  // The SQLite backend will not create a missing file.
  writeFileSync(dbFile, '');
  const confPath = join(buildDir, 'admin.conf');
  writeTrytondConf(confPath, buildDir, 0);
  const passFile = join(buildDir, 'password');
  writeFileSync(passFile, TRYTON_ADMIN.password);

  const started = Date.now();
  log(`creating a database in ${buildDir}; activating Tryton modules: ${TRYTON_MODULES.join(' ')}`);
  const admin = spawnSync(
    SYSTEM_PYTHON,
    [
      TRYTOND_ADMIN,
      '-c',
      confPath,
      '-d',
      TRYTON_DATABASE,
      '-u',
      ...TRYTON_MODULES,
      '--activate-dependencies',
      '--email',
      TRYTON_ADMIN.email,
    ],
    {
      env: { ...process.env, TRYTONPASSFILE: passFile },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (admin.status !== 0) {
    throw new Error(`trytond-admin failed (exit ${admin.status}):\n${String(admin.stderr).slice(-3000)}`);
  }
  log(`modules activated in ${Date.now() - started} ms`);
  return { buildDir, dbFile };
}

async function buildTemplate(template: string, log: (line: string) => void): Promise<void> {
  const { buildDir, dbFile } = activateModules(log);
  const started = Date.now();
  const server = await startTrytond({
    dbDir: buildDir,
    database: TRYTON_DATABASE,
    logPath: join(buildDir, 'seed.log'),
  });
  try {
    const rpc = new TrytonRpc({
      url: server.url,
      database: TRYTON_DATABASE,
      user: TRYTON_ADMIN.user,
      password: TRYTON_ADMIN.password,
      timeoutMs: 60_000,
    });
    await seedMasterData(rpc, masterData, log);
    const critical = server.criticalLines();
    if (critical.length) throw new Error(`seeding logged CRITICAL lines:\n${critical.join('\n')}`);
  } finally {
    await server.stop();
  }
  log(`master data seeded in ${Date.now() - started} ms`);

  keep(dbFile, template);
  rmSync(buildDir, { recursive: true, force: true });
  // Older templates (other master data or seed code) are dead weight.
  for (const name of readdirSync(TRYTON_WORK_DIR)) {
    const path = join(TRYTON_WORK_DIR, name);
    if (/^template-.*\.sqlite$/.test(name) && path !== template) rmSync(path, { force: true });
  }
}

/** A cross-process lock: a directory holding the owner's pid; a dead owner's lock is taken over. */
async function withLock<T>(lockDir: string, body: () => Promise<T>, timeoutMs = 170_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!ownerAlive(lockDir)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function ownerAlive(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
  } catch {
    return true; // being written right now
  }
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
