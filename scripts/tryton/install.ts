import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Debian 12 packages for Tryton 6.0 LTS and the modules the middleware uses. Always installed with
 * `--no-install-recommends`: with recommends apt pulls ~400 packages (LibreOffice, PostgreSQL...).
 */
export const TRYTON_PACKAGES = [
  'tryton-server',
  'tryton-modules-purchase',
  'tryton-modules-purchase-request',
  'tryton-modules-purchase-requisition',
  'tryton-modules-purchase-amendment',
  'tryton-modules-stock',
  'tryton-modules-stock-supply',
  'tryton-modules-stock-forecast',
  'tryton-modules-stock-supply-forecast',
] as const;

/** Tryton modules activated in the database (dependencies are activated with them). */
export const TRYTON_MODULES = [
  'purchase',
  'purchase_request',
  'purchase_requisition',
  'purchase_amendment',
  'stock',
  'stock_supply',
  'stock_forecast',
  'stock_supply_forecast',
] as const;

/** The Debian python3 (the one on PATH may be pyenv's, which cannot import trytond). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const TRYTOND = '/usr/bin/trytond';
export const TRYTOND_ADMIN = '/usr/bin/trytond-admin';
const MODULES_DIR = '/usr/lib/python3/dist-packages/trytond/modules';

/** The exact command a person (or CI) runs to install Tryton. */
export const INSTALL_COMMAND = `apt-get update && apt-get install -y --no-install-recommends ${TRYTON_PACKAGES.join(' ')}`;

/** True when trytond and every module we activate are installed. */
export function trytonInstalled(): boolean {
  return (
    existsSync(TRYTOND) &&
    existsSync(TRYTOND_ADMIN) &&
    TRYTON_MODULES.every((module) => existsSync(`${MODULES_DIR}/${module}/tryton.cfg`))
  );
}

/**
 * Installs the Tryton packages when missing, as root with apt; otherwise fails with the exact
 * command to run. Never skips: a test run without Tryton must fail loudly.
 */
export function ensureTrytonInstalled(log: (line: string) => void = () => undefined): void {
  if (trytonInstalled()) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `Tryton 6.0 is not installed and this process cannot install it (${
        isRoot ? 'no apt-get' : 'not root'
      }). Install it with:\n  sudo sh -c '${INSTALL_COMMAND}'\n(Debian 12 / bookworm packages.)`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): ReturnType<typeof spawnSync> =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...TRYTON_PACKAGES], {
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  log(`installing ${TRYTON_PACKAGES.length} Tryton packages with apt-get`);
  let result = install();
  if (result.status !== 0) {
    // A fresh machine often has no package lists yet.
    log('apt-get install failed; running apt-get update and retrying');
    const update = spawnSync('apt-get', ['update'], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (update.status !== 0) throw new Error(`apt-get update failed:\n${String(update.stderr).slice(-2000)}`);
    result = install();
  }
  if (result.status !== 0 || !trytonInstalled()) {
    throw new Error(
      `apt-get could not install Tryton (exit ${result.status}):\n${String(result.stderr).slice(-2000)}\n` +
        `Install it by hand with: ${INSTALL_COMMAND}`,
    );
  }
}
