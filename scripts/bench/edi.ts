/**
 * EDI inbound (issue #19): receiving 856s against node-x12's bare strict parse of the same file,
 * and the peak RSS of a 50 MB interchange through the streaming path.
 *
 * - Throughput: a synthetic 60,000-segment 856, received as the function receives it (read as a
 *   stream in 64 KiB chunks, segments split, the set checked and answered with a 997, then read
 *   again and mapped) vs
 *   `new X12Parser(true).parse(text)`; segments per CPU-second, medians of paired runs in this
 *   process. The subject is parse + validate + segment-to-structure + the 856's mapping to a
 *   shipment milestone (its event) + the 997.
 * - Memory: a 50 MB interchange of 856s from a file, in a fresh process (bundled like a Lambda),
 *   every 856 published as its milestone, peak RSS against 128 MiB, next to node-x12's
 *   whole-string path on the same file (for reference).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { X12Parser } from 'node-x12';
import { streamingX12Codec } from '../../adapters/edi/x12-segment-reader';
import { receiveInterchange } from '../../domain/edi/inbound-interchange';
import { memoryInboundPorts } from '../../test/support/edi-memory';
import { largeShipNotice, writeLargeInterchange } from './edi-interchanges';
import { atMost, bundleLikeLambda, median, pairedCpuMicrosAsync, reference, type BenchRow } from './harness';

const RATIO_BUDGET = 2.0;
const RSS_BUDGET_MIB = 128;
const LARGE_BYTES = 50 * 1024 * 1024;

async function* chunks(text: string, size = 64 * 1024): AsyncGenerator<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}

/** Receives `text` once in a fresh in-memory world; throws unless its one 856 is accepted. */
async function receive(text: string): Promise<void> {
  const ports = memoryInboundPorts(() => new Date('2026-12-05T14:30:00Z'), []);
  const outcome = await receiveInterchange('inbound/acme-beverages/856.x12', {
    ...ports,
    codec: streamingX12Codec,
    mailbox: { ...ports.mailbox, file: () => ({ stream: () => chunks(text) }) },
  });
  if (outcome.outcome !== 'acknowledged' || outcome.groups[0]?.status !== 'A')
    throw new Error(`bench 856 not accepted: ${JSON.stringify(outcome).slice(0, 300)}`);
}

export async function benchEdi(): Promise<BenchRow[]> {
  const { text, segments } = largeShipNotice(60_000);
  // node-x12 parses each time with a new parser, as the whole-string codec does.
  const bare = () => new X12Parser(true).parse(text);
  const paired = await pairedCpuMicrosAsync(() => receive(text), bare, 1, 9);
  const perCpuSecond = (us: number) => Math.round(segments / (us / 1e6));

  const dir = mkdtempSync(join(tmpdir(), 'bench-edi-'));
  try {
    const worker = await bundleLikeLambda(
      join(dirname(fileURLToPath(import.meta.url)), 'edi-worker.ts'),
      join(dir, 'worker.mjs'),
    );
    const file = join(dir, 'large-856.x12');
    const large = await writeLargeInterchange(file, LARGE_BYTES);
    type Run = {
      outcome: string;
      sets: number;
      accepted: string;
      published: number;
      cpuSeconds: number;
      peakRssMiB: number;
    };
    const run = (path: string, how = 'stream'): Run =>
      JSON.parse(execFileSync(process.execPath, [worker, path, how], { encoding: 'utf8' })) as Run;
    const runs = [run(file), run(file), run(file)];
    // Every 856 received, accepted and published as its milestone: the memory is of the whole work.
    const receivedWhole = (r: Run) =>
      r.outcome === 'acknowledged' &&
      r.sets === large.sets &&
      r.accepted === 'A' &&
      r.published === large.sets;
    if (!runs.every(receivedWhole))
      throw new Error(`large interchange not received whole: ${JSON.stringify(runs[0])}`);
    const peak = median(runs.map((r) => r.peakRssMiB));
    const whole = run(file, 'whole');
    return [
      reference(`60,000-segment 856: node-x12 strict parse`, perCpuSecond(paired.floorUs), 'segments/CPU-s'),
      reference(
        `60,000-segment 856: received (stream, validate, structure, milestone, 997)`,
        perCpuSecond(paired.subjectUs),
        'segments/CPU-s',
      ),
      // node-x12's rate over ours is our CPU per file over its (median of the paired ratios).
      atMost('node-x12 parse rate / received rate', Math.round(paired.ratio * 100) / 100, 'x', RATIO_BUDGET),
      reference(
        `50 MB interchange (${(large.bytes / 2 ** 20).toFixed(0)} MiB, ${large.sets} 856s): CPU`,
        Math.round(median(runs.map((r) => r.cpuSeconds)) * 100) / 100,
        's',
      ),
      atMost(
        '50 MB interchange through the streaming path: peak RSS',
        Math.round(peak * 10) / 10,
        'MiB',
        RSS_BUDGET_MIB,
      ),
      reference(
        '50 MB interchange, node-x12 whole-string path: peak RSS',
        Math.round(whole.peakRssMiB),
        'MiB',
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
