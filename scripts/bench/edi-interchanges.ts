/** Synthetic inbound 856 interchanges from the demo partner, for the EDI bench (one interchange per file). */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { asn856 } from '../../test/fixtures/edi-856';

const ISA =
  'ISA*00*          *00*          *ZZ*ACMEBEV        *ZZ*SUPPLYLINE     *261205*1430*U*00401*000000901*0*T*>~\n';

/** One 856 set (ST..SE) shipping `items` lines of PO-2026-004411: 8 + 3 x items + 1 segments inside. */
export function shipNoticeSet(controlNumber: string, items: number): string[] {
  const lines = Array.from({ length: items }, (_, i) => ({
    lineNo: i + 1,
    itemCode: `SKU-${10_000 + i}`,
    quantity: String((i % 97) + 1),
  }));
  return asn856({
    shipmentId: `SHP-${controlNumber}`,
    st02: controlNumber,
    orders: { 'PO-2026-004411': lines },
  });
}

/** An interchange of one SH group holding `sets` 856s. */
function interchange(sets: readonly string[][]): string {
  const body = sets.flat();
  return [
    ISA,
    `GS*SH*ACMEBEV*SUPPLYLINE*20261205*1430*901*X*004010~\n`,
    ...body.map((line) => `${line}~\n`),
    `GE*${sets.length}*901~\nIEA*1*000000901~\n`,
  ].join('');
}

/** One 856 of about `segments` segments in all (the envelope's four included). */
export function largeShipNotice(segments: number): { text: string; segments: number } {
  const items = Math.round((segments - 4 - 11) / 3);
  const text = interchange([shipNoticeSet('0001', items)]);
  return { text, segments: 4 + 11 + 3 * items };
}

/** Writes an interchange of 856s of 200 items each to `path` until it is at least `bytes` long. */
export async function writeLargeInterchange(
  path: string,
  bytes: number,
): Promise<{ bytes: number; sets: number }> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(ISA + 'GS*SH*ACMEBEV*SUPPLYLINE*20261205*1430*901*X*004010~\n');
  let written = 0;
  let sets = 0;
  while (written < bytes) {
    sets += 1;
    const text = shipNoticeSet(String(sets).padStart(4, '0'), 200)
      .map((line) => `${line}~\n`)
      .join('');
    written += text.length;
    await write(text);
  }
  await write(`GE*${sets}*901~\nIEA*1*000000901~\n`);
  out.end();
  await once(out, 'finish');
  return { bytes: written, sets };
}
