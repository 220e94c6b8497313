/** The partner's 855 as the supplier's confirmation per line (guide, "855"). */
import { describe, expect, it } from 'vitest';
import { readAcknowledgement855 } from '../../../domain/edi/acknowledgement-855';
import type { ReceivedTransactionSet } from '../../../domain/edi/interchange';
import { PARTNER } from '../../fixtures/edi';

const set = (...lines: string[]): ReceivedTransactionSet => ({
  header: { tag: 'ST', elements: ['855', '0101'] },
  segments: lines.map((line) => {
    const [tag, ...elements] = line.split('*');
    return { tag: tag!, elements };
  }),
  trailer: { tag: 'SE', elements: [String(lines.length + 2), '0101'] },
});
const PO1 = (n: number) => `PO1*${n}*480*EA*3.10*PE*BP*SKU-${n}`;

describe('855 purchase order acknowledgement', () => {
  it('reads the guide example: 450 confirmed for 2026-12-09', () => {
    expect(
      readAcknowledgement855(
        set('BAK*00*AC*PO-2026-004411*20261128', PO1(1), 'ACK*IQ*450*EA*067*20261209', 'CTT*1'),
        PARTNER,
      ),
    ).toEqual({
      poNumber: 'PO-2026-004411',
      acknowledgementType: 'AC',
      lines: [{ lineNo: 1, confirmedQuantityEa: '450', confirmedDate: '2026-12-09' }],
    });
  });

  it('sums the ACKs of a line and takes the latest date; a rejected line confirms 0', () => {
    const read = readAcknowledgement855(
      set(
        'BAK*00*AC*PO-1*20261128',
        PO1(1),
        'ACK*IA*300*EA*067*20261209',
        'ACK*DR*150*EA*067*20261216',
        PO1(2),
        'ACK*IR*480*EA*067*20261209',
        'CTT*2',
      ),
      PARTNER,
    );
    expect(read).toMatchObject({
      lines: [
        { lineNo: 1, confirmedQuantityEa: '450', confirmedDate: '2026-12-16' },
        { lineNo: 2, confirmedQuantityEa: '0', confirmedDate: '2026-12-09' },
      ],
    });
  });

  it('confirms 0 on every line of a rejected order (BAK02 RJ), dated with BAK04 when the line has no ACK date', () => {
    const read = readAcknowledgement855(
      set('BAK*00*RJ*PO-1*20261128', PO1(1), 'ACK*IA*480*EA*067*20261209', PO1(2)),
      PARTNER,
    );
    expect(read).toMatchObject({
      acknowledgementType: 'RJ',
      lines: [
        { lineNo: 1, confirmedQuantityEa: '0', confirmedDate: '2026-12-09' },
        { lineNo: 2, confirmedQuantityEa: '0', confirmedDate: '2026-11-28' },
      ],
    });
  });

  it('turns a ship date (068) into a delivery date with the partner transit days, and refuses it without them', () => {
    const lines = ['BAK*00*AT*PO-1*20261128', PO1(1), 'ACK*IA*480*EA*068*20261205'];
    expect(readAcknowledgement855(set(...lines), { transitDays: 3 })).toMatchObject({
      lines: [{ lineNo: 1, confirmedQuantityEa: '480', confirmedDate: '2026-12-08' }],
    });
    expect(readAcknowledgement855(set(...lines), {})).toMatch(/transit days/);
  });

  it.each([
    ['no BAK', [PO1(1)], /start with BAK/],
    ['an unknown BAK02', ['BAK*00*XX*PO-1*20261128', PO1(1), 'ACK*IA*480*EA*067*20261209'], /BAK02/],
    ['a line without ACK', ['BAK*00*AT*PO-1*20261128', PO1(1)], /no ACK/],
    ['a unit other than EA', ['BAK*00*AT*PO-1*20261128', PO1(1), 'ACK*IA*40*CS*067*20261209'], /ACK03/],
    ['a wrong CTT', ['BAK*00*AT*PO-1*20261128', PO1(1), 'ACK*IA*480*EA*067*20261209', 'CTT*2'], /CTT01/],
    ['a bad date', ['BAK*00*AT*PO-1*20261128', PO1(1), 'ACK*IA*480*EA*067*20261332'], /ACK05/],
  ])('says why it is not an 855 of the guide: %s', (_case, lines, reason) => {
    expect(readAcknowledgement855(set(...lines), PARTNER)).toMatch(reason);
  });
});
