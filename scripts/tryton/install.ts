import { existsSync } from 'node:fs';
import { aptInstallCommand, ensureAptPackages, type AptRequirement } from '../provision/apt';

/**
 * Debian 12 packages for Tryton 6.0 LTS and the modules the middleware uses (installed with
 * `--no-install-recommends`: with recommends apt pulls ~400 packages, LibreOffice, PostgreSQL...).
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

/** Tryton as an apt requirement: the server and every module we activate. */
export const TRYTON: AptRequirement = {
  name: 'Tryton 6.0',
  packages: TRYTON_PACKAGES,
  installed: trytonInstalled,
};

/** The exact command a person (or CI) runs to install Tryton. */
export const INSTALL_COMMAND = aptInstallCommand(TRYTON_PACKAGES);

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
  ensureAptPackages(TRYTON, log);
}
