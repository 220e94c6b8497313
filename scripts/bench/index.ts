/**
 * `npm run bench`: every speed and size goal of the project, measured on this machine and printed
 * as tables against their budgets (never as timed assertions in the test suite).
 * `npm run bench -- canonical` runs one section.
 */
import { benchValidator } from '../codegen/bench-validator';
import { benchBusinessUnits, BUSINESS_UNITS_TITLE } from './business-units';
import { benchCanonical } from './canonical';
import { benchEdi } from './edi';
import { benchForecastSync } from './forecast-sync';
import { benchFunctions } from './functions';
import { benchIamEnforcement } from './iam-enforcement';
import { benchLocalLoad } from './local-load';
import { benchProcessApis } from './process-apis';
import { benchReconciliation } from './reconciliation';
import { benchReconciliationErp } from './reconciliation-erp';
import { benchSystemApis } from './system-apis';
import { benchToken } from './token';
import { atLeast, atMost, printTable, reference, type BenchRow } from './harness';

type Section = { name: string; title: string; run: () => Promise<BenchRow[]> | BenchRow[] };

const SECTIONS: Section[] = [
  {
    name: 'canonical',
    title:
      'Canonical model: validate, map, full path (us per document, one core, CPU time; median of 5 runs, each in a fresh process)',
    run: benchCanonical,
  },
  {
    name: 'validator',
    title: 'Generated validator vs ajv on the 3.7 KB reference purchase order (15 fields per line)',
    run: async () =>
      (await benchValidator()).flatMap((row) =>
        row.peerRatio === undefined
          ? [reference(row.case, row.usPerDoc, 'us/doc')]
          : [
              reference(row.case, row.usPerDoc, 'us/doc'),
              atMost(`${row.case} / ${row.peer}`, row.peerRatio, 'x', row.maxPeerRatio!),
            ],
      ),
  },
  {
    name: 'forecast-sync',
    title:
      'Bulk forecast synchronisation: 1,000,000-row export, ~0.1% bad rows (bundled worker, own process)',
    run: async () =>
      (await benchForecastSync()).flatMap((row) =>
        row.throughputBudget === null
          ? [
              reference(
                `${row.case}: lines per CPU-second`,
                Math.round(row.linesPerCpuSecond),
                'lines/CPU-s',
              ),
              reference(`${row.case}: peak RSS`, row.peakRssMiB, 'MiB'),
            ]
          : [
              reference(
                `${row.case}: lines per CPU-second`,
                Math.round(row.linesPerCpuSecond),
                'lines/CPU-s',
              ),
              atLeast(`${row.case}: lines per CPU-second / csv-parse's`, row.peerRatio ?? 0, 'x', 1),
              atMost(`${row.case}: peak RSS`, row.peakRssMiB, 'MiB', row.rssBudgetMiB ?? Infinity),
            ],
      ),
  },
  {
    name: 'functions',
    title:
      'Function bundles of the dev synth: minified size, module-init CPU and its ratio to a minimal peer bundle (fresh process each)',
    run: () => benchFunctions(),
  },
  {
    name: 'token',
    title:
      'Access-token verification on a warm authorizer (JWKS cached) vs a bare node:crypto RS256 verify of the same token (CPU, paired batches)',
    run: () => benchToken(),
  },
  {
    name: 'reconciliation',
    title:
      'Reconciliation: 1,000,000 orders from three sorted extracts (1 in 50 drifting) vs reading and parsing the same extracts (CPU, fresh process each, alternated)',
    run: () => benchReconciliation(),
  },
  {
    name: 'reconciliation-erp',
    title:
      "Reconciliation's ERP reads against a real Tryton: 10,000 orders read as the run reads them (pages of 100, each granted by the ERP budget's bulk lane), vs the budget's floor and per-order reads (wall clock)",
    run: () => benchReconciliationErp(),
  },
  {
    name: 'iam',
    title:
      'Local IAM enforcement: a function call through the authorizing proxy vs straight to the stand-in (DynamoDB GetItem, median of 7 paired runs of 300)',
    run: () => benchIamEnforcement(),
  },
  {
    name: 'local-load',
    title: 'Local runtime under load: 1,000 signed forecast-exception webhooks, ~10% actionable',
    run: () => benchLocalLoad(),
  },
  {
    name: 'process-apis',
    title:
      'Purchase-order validation API against a real Tryton through the local runtime vs the same Tryton reads made directly (wall clock, sequential)',
    run: () => benchProcessApis(),
  },
  {
    name: 'system-apis',
    title:
      'System APIs (items) on the local runtime with the embedded ERP simulator: stampede, open loop on a cold store, and the warm-store floor (wall clock, medians of runs)',
    run: () => benchSystemApis(),
  },
  {
    name: 'edi',
    title:
      'EDI inbound: a 60,000-segment 856 received (streamed, validated, answered) vs node-x12 strict parse of it (CPU, paired runs); a 50 MB interchange in a fresh process (peak RSS)',
    run: () => benchEdi(),
  },
  {
    name: 'business-units',
    title: BUSINESS_UNITS_TITLE,
    run: () => benchBusinessUnits(),
  },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  let ok = true;
  console.log(`Supplyline benchmarks: Node ${process.version}, ${new Date().toISOString()}`);
  for (const section of SECTIONS) {
    if (wanted.length && !wanted.includes(section.name)) continue;
    ok = printTable(section.title, await section.run()) && ok;
  }
  console.log(ok ? '\nAll budgets met.' : '\nSome budgets were MISSED (see the tables).');
  process.exitCode = ok ? 0 : 1;
}

await main();
