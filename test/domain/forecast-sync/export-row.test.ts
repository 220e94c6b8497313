import { describe, expect, it } from 'vitest';
import { ACCEPTED, ExportRowParser, hashKey, reasonOf } from '../../../domain/forecast-sync/export-row';

function parse(line: string, options: { version?: number; monday?: boolean } = {}) {
  const parser = new ExportRowParser(options.version ?? 7, options.monday ?? false);
  const buf = Buffer.from(line, 'utf8');
  const verdict = parser.parse(buf, 0, buf.length);
  return verdict === ACCEPTED
    ? { key: buf.toString('latin1', 0, parser.keyEnd), milli: parser.eachesMilli, hash: parser.hash }
    : reasonOf(verdict);
}

describe('ExportRowParser', () => {
  it('accepts the contract example and converts to milli-eaches', () => {
    expect(parse('SKU-10442,DC-EAST-02,2026-12-07,140,CS,12,7')).toEqual({
      key: 'SKU-10442,DC-EAST-02,2026-12-07',
      milli: 1_680_000,
      hash: hashKey(Buffer.from('SKU-10442,DC-EAST-02,2026-12-07')),
    });
  });

  it('checks the real calendar', () => {
    expect(parse('A,B,2028-02-29,1,EA,1,7')).toMatchObject({ milli: 1000 });
    expect(parse('A,B,2000-02-29,1,EA,1,7')).toMatchObject({ milli: 1000 });
    expect(parse('A,B,1900-02-29,1,EA,1,7')).toBe('invalid_date');
    expect(parse('A,B,2026-04-31,1,EA,1,7')).toBe('invalid_date');
    expect(parse('A,B,2026-00-10,1,EA,1,7')).toBe('invalid_date');
    expect(parse('A,B,2026-1-10,1,EA,1,7')).toBe('invalid_date');
    expect(parse('A,B,2026-12-08,1,EA,1,7', { monday: true })).toBe('week_start_not_monday');
    expect(parse('A,B,2024-01-01,1,EA,1,7', { monday: true })).toMatchObject({ milli: 1000 });
  });

  it('accepts canonical identifiers only (1-64 characters, [A-Za-z0-9][A-Za-z0-9_.:/#-]*)', () => {
    expect(parse('a_b.c:d/e#f-g,X,2026-12-07,1,EA,1,7')).toMatchObject({ milli: 1000 });
    expect(parse(`${'S'.repeat(64)},X,2026-12-07,1,EA,1,7`)).toMatchObject({ milli: 1000 });
    expect(parse(`${'S'.repeat(65)},X,2026-12-07,1,EA,1,7`)).toBe('invalid_sku');
    expect(parse('-SKU,X,2026-12-07,1,EA,1,7')).toBe('invalid_sku');
    expect(parse('"SKU",X,2026-12-07,1,EA,1,7')).toBe('invalid_sku');
    expect(parse('SKU-é,X,2026-12-07,1,EA,1,7')).toBe('invalid_sku');
    expect(parse('SKU,X Y,2026-12-07,1,EA,1,7')).toBe('invalid_site');
  });

  it('parses quantities as exact thousandths and rejects what it cannot represent', () => {
    expect(parse('A,B,2026-12-07,0.001,EA,1,7')).toMatchObject({ milli: 1 });
    expect(parse('A,B,2026-12-07,007.50,CS,3,7')).toMatchObject({ milli: 22_500 });
    expect(parse('A,B,2026-12-07,1.2340000,EA,1,7')).toMatchObject({ milli: 1_234 });
    expect(parse('A,B,2026-12-07,1000000000000,EA,1,7')).toMatchObject({ milli: 1e15 });
    expect(parse('A,B,2026-12-07,1000000000000.001,EA,1,7')).toBe('qty_overflow');
    expect(parse('A,B,2026-12-07,1.0005,EA,1,7')).toBe('qty_precision');
    expect(parse('A,B,2026-12-07,5.,EA,1,7')).toBe('invalid_qty');
    expect(parse('A,B,2026-12-07,.5,EA,1,7')).toBe('invalid_qty');
    expect(parse('A,B,2026-12-07,+5,EA,1,7')).toBe('invalid_qty');
    expect(parse('A,B,2026-12-07, 5,EA,1,7')).toBe('invalid_qty');
    expect(parse('A,B,2026-12-07,-0,EA,1,7')).toBe('negative_qty');
    expect(parse('A,B,2026-12-07,-x,EA,1,7')).toBe('invalid_qty');
  });

  it('checks uom, pack_size and plan_version', () => {
    expect(parse('A,B,2026-12-07,1,PAL,960,7')).toMatchObject({ milli: 960_000 });
    expect(parse('A,B,2026-12-07,1,EA,24,7')).toMatchObject({ milli: 1000 });
    expect(parse('A,B,2026-12-07,1,PALLET,1,7')).toBe('unknown_uom');
    expect(parse('A,B,2026-12-07,1,,1,7')).toBe('unknown_uom');
    expect(parse('A,B,2026-12-07,1,EA,,7')).toBe('invalid_pack_size');
    expect(parse('A,B,2026-12-07,1,EA,-1,7')).toBe('invalid_pack_size');
    expect(parse('A,B,2026-12-07,1,EA,1234567890,7')).toBe('invalid_pack_size');
    expect(parse('A,B,2026-12-07,1,EA,1,')).toBe('plan_version_mismatch');
    expect(parse('A,B,2026-12-07,1,EA,1,07')).toMatchObject({ milli: 1000 });
    expect(parse('A,B,2026-12-07,1,EA,1,8')).toBe('plan_version_mismatch');
  });
});
