/**
 * `npm run contracts:release`: records the current contract documents and versions as released.
 * The compatibility gate then holds every later change to them (docs/contracts.md).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allCurrentContracts } from './route-contracts';
import { ROOT } from './generate';

const releasedDir = join(ROOT, 'canonical', 'released');
rmSync(releasedDir, { recursive: true, force: true });
const versions: Record<string, string> = {};
for (const contract of allCurrentContracts()) {
  const target = join(releasedDir, `${contract.name}.json`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(contract.document, null, 2)}\n`);
  versions[contract.name] = contract.version;
}
writeFileSync(join(releasedDir, 'manifest.json'), `${JSON.stringify(versions, null, 2)}\n`);
console.log(`Released ${Object.keys(versions).length} contract documents to canonical/released/.`);
