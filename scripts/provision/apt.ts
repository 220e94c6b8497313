/**
 * Installs the Debian packages a test needs, the same way for every system package: as root with
 * apt when missing, otherwise a loud failure that prints the exact command. Never skips: a test run
 * without what it needs must fail, not pass with fewer tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What to install and how to tell it is there. */
export interface AptRequirement {
  /** Human name for messages, e.g. `Tryton 6.0`. */
  readonly name: string;
  readonly packages: readonly string[];
  /** True when everything the tests use is installed. */
  installed(): boolean;
}

/** The exact command a person (or CI) runs to install `packages`. */
export function aptInstallCommand(packages: readonly string[]): string {
  return `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/**
 * Installs `requirement.packages` when `installed()` is false. Always `--no-install-recommends`:
 * with recommends apt pulls hundreds of packages (LibreOffice, PostgreSQL, fonts...).
 */
export function ensureAptPackages(
  requirement: AptRequirement,
  log: (line: string) => void = () => undefined,
): void {
  if (requirement.installed()) return;
  const command = aptInstallCommand(requirement.packages);
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `${requirement.name} is not installed and this process cannot install it (${
        isRoot ? 'no apt-get' : 'not root'
      }). Install it with:\n  sudo sh -c '${command}'\n(Debian 12 / bookworm packages.)`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]): ReturnType<typeof spawnSync> =>
    spawnSync('apt-get', args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const install = (): ReturnType<typeof spawnSync> =>
    apt(['install', '-y', '--no-install-recommends', ...requirement.packages]);
  log(`installing ${requirement.name} (${requirement.packages.length} packages) with apt-get`);
  let result = install();
  if (result.status !== 0) {
    // A fresh machine often has no package lists yet.
    log('apt-get install failed; running apt-get update and retrying');
    const update = apt(['update']);
    if (update.status !== 0) throw new Error(`apt-get update failed:\n${String(update.stderr).slice(-2000)}`);
    result = install();
  }
  if (result.status !== 0 || !requirement.installed()) {
    throw new Error(
      `apt-get could not install ${requirement.name} (exit ${result.status}):\n${String(result.stderr).slice(-2000)}\n` +
        `Install it by hand with: ${command}`,
    );
  }
}
