/**
 * The headless browser of the dashboard test: Debian's `chromium`, driven by playwright-core with
 * `executablePath` (playwright's own browser download is not reachable from CI, apt is).
 */
import { existsSync } from 'node:fs';
import { ensureAptPackages, type AptRequirement } from './apt';

/** Where the Debian package puts the browser; the dashboard test launches this file. */
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';

/** Chromium as an apt requirement. */
export const CHROMIUM: AptRequirement = {
  name: 'Chromium (for the dashboard test)',
  packages: ['chromium'],
  installed: () => existsSync(CHROMIUM_EXECUTABLE),
};

/** Installs Chromium when missing (root + apt), or fails printing the exact command. */
export function ensureChromiumInstalled(log: (line: string) => void = () => undefined): void {
  ensureAptPackages(CHROMIUM, log);
}
