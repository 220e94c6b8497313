/**
 * `npm run demo` as CI used to run it before `npm test`: local/start.ts --demo synthesizes, starts
 * the local runtime with the simulators, runs the seed scenario, prints its report and exits 0 only
 * when the scenario completed as expected. The scenario's outcome is asserted in detail by
 * test/e2e/local-runtime.e2e.test.ts; this covers the entry point a newcomer runs.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

it('runs the seed scenario headless and exits 0 with its report', async () => {
  const child = spawn(resolve(ROOT, 'node_modules/.bin/tsx'), ['local/start.ts', '--demo'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  expect(code, output.slice(-4000)).toBe(0);
  expect(output).toContain(
    "Seed scenario: a planner's forecast uplift becomes an acknowledged purchase order",
  );
  // S-1001 trades by EDI: the order reaches its partner simulator, whose 855 and 856 come back.
  expect(output).toMatch(/850 for \S+ reached EDI partner acme-beverages .* its 997 accepted it/);
  expect(output).toMatch(/Supplier S-1001 acknowledged \S+ by EDI 855 \(inbound\/acme-beverages\//);
  const asn = /ASN 856 (SHP-\S+) \(inbound\/acme-beverages\/\S+\) received and validated/.exec(output);
  expect(asn, output.slice(-4000)).not.toBeNull();
  // With the 856 mapped (shipment.milestone-reported -> shipment-sync), the ERP expects that shipment.
  expect(output).toMatch(
    new RegExp(
      `ASN reached the ERP: expected shipment ${asn![1]} \\(draft receipt \\d+, planned \\d{4}-\\d{2}-\\d{2}\\): line 1 \\d+(\\.\\d+)? EA`,
    ),
  );
  // Two business units by default: one exception each, each order in its own unit's ERP.
  expect(output).toMatch(
    /Business unit east: \S+ \(DC-EAST-02, WH-EAST\) is order \S+ in east's own ERP, in no other/,
  );
  expect(output).toMatch(
    /Business unit west: \S+ \(DC-WEST-01, WH-WEST\) is order \S+ in west's own ERP, in no other/,
  );
}, 300_000);
