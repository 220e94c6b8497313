/**
 * The reconciliation bench's three synthetic extracts (Supplyline's records, the platform's orders,
 * the ERP's orders), one JSON view per line, each sorted by reference as the merge join needs
 * (domain/reconciliation/join.ts), and the line reader both the floor and the subject use.
 *
 * One order in 50 drifts, in turn through every difference class and both of its resolutions where
 * the contract has two (repaired, or raised because a person changed the ERP order or cancelled it);
 * one ERP order in 500 has a reference Supplyline has no record of (the join passes over it).
 */
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { agreeing } from '../../test/domain/reconciliation/fixtures';

/** The three extract files of one generation. */
export interface Extracts {
  recorded: string;
  procurement: string;
  erp: string;
  orders: number;
  bytes: number;
}

/** The drift of order `n` (-1: none): what the bench makes of it, in the contract's classes. */
export const DRIFTS = [
  'missing_in_erp (posted again)',
  'missing_in_erp (cancelled in the ERP: raised)',
  'missing_in_procurement',
  'quantity_mismatch (repaired)',
  'quantity_mismatch (changed by a person: raised)',
  'date_mismatch',
  'price_mismatch',
  'status_lag',
  'acknowledgement_not_applied',
] as const;

function driftOf(n: number): number {
  return n % 50 === 7 ? Math.floor(n / 50) % DRIFTS.length : -1;
}

/** Appends text to a file in large writes (generation is not measured). */
class Appender {
  private buffered: string[] = [];
  private size = 0;
  bytes = 0;
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  line(value: unknown): void {
    const text = `${JSON.stringify(value)}\n`;
    this.buffered.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    this.bytes += writeSync(this.fd, this.buffered.join(''));
    this.buffered = [];
    this.size = 0;
  }
}

/** Writes the three extracts of `orders` orders (at most 1,000,000: references have 6 digits) into `dir`. */
export function generateExtracts(dir: string, orders: number): Extracts {
  if (orders > 1_000_000) throw new RangeError('at most 1,000,000 orders');
  const paths = {
    recorded: join(dir, 'supplyline.ndjson'),
    procurement: join(dir, 'procurement.ndjson'),
    erp: join(dir, 'erp.ndjson'),
  };
  const out = {
    recorded: new Appender(paths.recorded),
    procurement: new Appender(paths.procurement),
    erp: new Appender(paths.erp),
  };
  for (let n = 0; n < orders; n++) {
    const { recorded, procurement, erp } = agreeing(n);
    // Posted over the 90 days before the run, so the committed value spans warehouses and months.
    recorded.recordedAt = new Date(Date.parse('2026-09-06T00:00:00Z') + (n % 90) * 86_400_000).toISOString();
    recorded.warehouseCode = erp.warehouseCode = n % 3 === 0 ? 'WH-WEST' : 'WH-EAST';
    const line = erp.lines[0]!;
    const drift = DRIFTS[driftOf(n)];
    let inErp = true;
    let inProcurement = true;
    if (drift === 'missing_in_erp (posted again)') inErp = false;
    if (drift === 'missing_in_erp (cancelled in the ERP: raised)') erp.state = 'cancelled';
    if (drift === 'missing_in_procurement') inProcurement = false;
    if (drift === 'quantity_mismatch (repaired)') line.quantityEa = '460';
    if (drift === 'quantity_mismatch (changed by a person: raised)') {
      line.quantityEa = '400';
      erp.revision = 1;
    }
    if (drift === 'date_mismatch') line.deliveryDate = '2026-12-09';
    if (drift === 'price_mismatch') line.unitPrice = '3.25';
    if (drift === 'status_lag')
      erp.receipts.push({
        receiptNumber: `IS-${n}`,
        state: 'done',
        receivedAt: '2026-12-01',
        lines: [{ itemCode: line.itemCode, quantityEa: line.quantityEa }],
      });
    if (drift === 'acknowledgement_not_applied')
      recorded.confirmation = {
        receivedAt: '2026-12-01T00:00:00Z',
        lines: [{ lineNo: 1, confirmedQtyEa: '450', confirmedDate: '2026-12-08' }],
      };
    out.recorded.line(recorded);
    if (inProcurement) out.procurement.line(procurement);
    if (inErp) out.erp.line(erp);
    // Sorts right after its neighbour's reference, before the next order's.
    if (n % 500 === 11) out.erp.line({ ...erp, number: `PX${n}`, externalRef: `${erp.externalRef}-X` });
  }
  for (const appender of Object.values(out)) appender.close();
  return {
    ...paths,
    orders,
    bytes: out.recorded.bytes + out.procurement.bytes + out.erp.bytes,
  };
}

/**
 * The JSON values of an extract, one per line, read in 64 KiB chunks: a chunk (and the line carried
 * over to the next) stays below V8's large-object size, so it dies young; 1 MiB chunks go straight
 * to the old generation and raise peak RSS by ~100 MiB on a million orders.
 */
export async function* extractLines<T>(path: string): AsyncGenerator<T> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      yield JSON.parse(text.slice(start, end)) as T;
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) yield JSON.parse(rest) as T;
}
