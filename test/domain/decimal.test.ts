import { describe, expect, it } from 'vitest';
import {
  Decimal,
  multiplyToString,
  quantityToString,
  sumOfProducts,
  type RoundingMode,
} from '../../domain/decimal';

const d = (v: string | number | bigint) => Decimal.of(v);

describe('Decimal parsing', () => {
  it.each([
    ['12.50', '12.5'],
    ['-3', '-3'],
    ['0.1', '0.1'],
    ['+7', '7'],
    ['007.250', '7.25'],
    ['0.000', '0'],
    ['-0', '0'],
    ['-0.00', '0'],
    ['100', '100'],
    ['1e3', '1000'],
    ['1.5e-7', '0.00000015'],
    ['1E+21', '1000000000000000000000'],
    ['-2.5E1', '-25'],
    ['123456789012345678901234567890.123456789', '123456789012345678901234567890.123456789'],
  ])('reads %j as %s', (text, normalised) => {
    expect(Decimal.parse(text).toString()).toBe(normalised);
  });

  it.each([
    '',
    ' ',
    ' 1',
    '1 ',
    'abc',
    '1,000',
    '1.2.3',
    '--1',
    '+-1',
    '.5',
    '5.',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '1e',
    'e5',
    '1e1.5',
    '1e1001',
    '1e-1001',
    '١٢',
    '12.5 EUR',
  ])('rejects %j', (text) => {
    expect(Decimal.tryParse(text)).toBeUndefined();
    expect(() => Decimal.parse(text)).toThrow(RangeError);
  });

  it('rejects non-strings in tryParse and unknown types in of()', () => {
    expect(Decimal.tryParse(12 as unknown as string)).toBeUndefined();
    expect(() => Decimal.of(null as unknown as string)).toThrow(TypeError);
  });

  it.each([
    [0.1, '0.1'],
    [12.5, '12.5'],
    [-3, '-3'],
    [1e21, '1000000000000000000000'],
    [1e-7, '0.0000001'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    [0.1 + 0.2, '0.30000000000000004'],
  ])('reads the number %s as its sender wrote it (%s)', (n, text) => {
    expect(Decimal.fromNumber(n).toString()).toBe(text);
    expect(Decimal.of(n).toString()).toBe(text);
  });

  it.each([NaN, Infinity, -Infinity])('refuses the number %s', (n) => {
    expect(() => Decimal.fromNumber(n)).toThrow(RangeError);
  });

  it('reads BigInts as whole numbers', () => {
    expect(d(10n ** 30n).toString()).toBe('1000000000000000000000000000000');
  });

  it('has no negative zero', () => {
    for (const zero of [d(-0), d('-0.000'), d(0).neg(), d('1.5').sub('1.5').neg()]) {
      expect(zero.toString()).toBe('0');
      expect(zero.sign()).toBe(0);
      expect(zero.isNegative()).toBe(false);
      expect(zero.isZero()).toBe(true);
      expect(zero).toEqual(Decimal.ZERO);
    }
  });
});

describe('Decimal arithmetic', () => {
  it('adds 0.1 and 0.2 to exactly 0.3', () => {
    expect(d('0.1').add('0.2').eq('0.3')).toBe(true);
    expect(d(0.1).add(0.2).toString()).toBe('0.3');
  });

  it.each([
    ['add', '12.50', '0.5', '13'],
    ['add', '-3', '2.75', '-0.25'],
    ['add', '99999999999999999999.99', '0.01', '100000000000000000000'],
    ['sub', '0.3', '0.1', '0.2'],
    ['sub', '1', '1.000001', '-0.000001'],
    ['mul', '3.10', '480', '1488'],
    ['mul', '0.1', '3', '0.3'],
    ['mul', '-1.5', '-1.5', '2.25'],
    ['mul', '123456789.123456789', '987654321.987654321', '121932631356500531.347203169112635269'],
    ['mul', '18446744073709551616', '0.000001', '18446744073709.551616'],
  ] as const)('%s(%s, %s) = %s', (op, a, b, expected) => {
    expect(d(a)[op](b).toString()).toBe(expected);
  });

  it('computes an uplift of exactly 10% as 10%', () => {
    // (110 - 100) / 100 compared without division, and with it
    expect(d('110').sub('100').gte(d('0.10').mul('100'))).toBe(true);
    expect(d('110').sub('100').div('100', 4).eq('0.1')).toBe(true);
    expect(d('109.99').sub('100').gte(d('0.10').mul('100'))).toBe(false);
  });

  it('negates and takes absolute values', () => {
    expect(d('2.5').neg().toString()).toBe('-2.5');
    expect(d('-2.5').abs().toString()).toBe('2.5');
    expect(d('2.5').abs().toString()).toBe('2.5');
  });

  it('sums, and finds min and max', () => {
    expect(Decimal.sum(['0.1', 0.2, d('0.3'), 1n]).toString()).toBe('1.6');
    expect(Decimal.sum([]).toString()).toBe('0');
    expect(Decimal.max('1.5', '-2', '1.50', '1.499').toString()).toBe('1.5');
    expect(Decimal.min('1.5', '-2', '1.50').toString()).toBe('-2');
  });

  it('stays immutable', () => {
    const a = d('1.5');
    const b = a.add('1');
    expect(a.toString()).toBe('1.5');
    expect(b.toString()).toBe('2.5');
    expect(Object.isFrozen(a)).toBe(true);
  });
});

describe('Decimal comparison', () => {
  it.each([
    ['12.50', '12.5', 0],
    ['0.3', '0.30000000000000004', -1],
    ['-1', '-1.0001', 1],
    ['100000000000000000000.01', '100000000000000000000', 1],
    ['0', '-0', 0],
  ] as const)('compare(%s, %s) = %i', (a, b, expected) => {
    expect(d(a).compare(b)).toBe(expected);
    expect(d(a).eq(b)).toBe(expected === 0);
    expect(d(a).lt(b)).toBe(expected < 0);
    expect(d(a).lte(b)).toBe(expected <= 0);
    expect(d(a).gt(b)).toBe(expected > 0);
    expect(d(a).gte(b)).toBe(expected >= 0);
  });

  it('normalises so equal values are equal objects', () => {
    expect(d('12.50')).toEqual(d(12.5));
    expect(d('12.50').coefficient).toBe(125n);
    expect(d('12.50').scale).toBe(1);
    expect(d('1200').scale).toBe(0);
  });

  it('reports sign and integrality', () => {
    expect(d('-0.01').sign()).toBe(-1);
    expect(d('0.01').sign()).toBe(1);
    expect(d('0.01').isPositive()).toBe(true);
    expect(d('3.000').isInteger()).toBe(true);
    expect(d('3.001').isInteger()).toBe(false);
  });

  it('refuses numeric coercion that would compare text or concatenate', () => {
    const a = d('10') as unknown as number;
    expect(() => a + 1).toThrow(TypeError);
    expect(() => a < 2).toThrow(TypeError);
    expect(`${d('10.50')}`).toBe('10.5');
  });
});

describe('Decimal division and rounding', () => {
  it.each([
    ['10', '4', 1, 'unnecessary', '2.5'],
    ['1', '3', 6, 'half-even', '0.333333'],
    ['2', '3', 2, 'half-up', '0.67'],
    ['2', '3', 2, 'down', '0.66'],
    ['-2', '3', 2, 'floor', '-0.67'],
    ['-2', '3', 2, 'ceiling', '-0.66'],
    ['1', '-8', 3, 'unnecessary', '-0.125'],
    ['0.5', '0.25', 0, 'unnecessary', '2'],
    ['1', '0.3', 4, 'half-even', '3.3333'],
  ] as const)('%s / %s to %i places (%s) = %s', (a, b, places, mode, expected) => {
    expect(d(a).div(b, places, mode).toString()).toBe(expected);
  });

  it('refuses an inexact division without a rounding mode', () => {
    expect(() => d('1').div('3', 6)).toThrow(/rounding necessary/);
  });

  it('refuses division by zero and bad place counts', () => {
    expect(() => d('1').div('0', 2)).toThrow(/division by zero/);
    expect(() => d('1').div('2', -1)).toThrow(RangeError);
    expect(() => d('1').div('2', 1.5)).toThrow(RangeError);
  });

  const modes: RoundingMode[] = ['up', 'down', 'ceiling', 'floor', 'half-up', 'half-down', 'half-even'];
  // value -> expected per mode, in the order above
  it.each([
    ['2.5', ['3', '2', '3', '2', '3', '2', '2']],
    ['3.5', ['4', '3', '4', '3', '4', '3', '4']],
    ['-2.5', ['-3', '-2', '-2', '-3', '-3', '-2', '-2']],
    ['2.51', ['3', '2', '3', '2', '3', '3', '3']],
    ['-2.49', ['-3', '-2', '-2', '-3', '-2', '-2', '-2']],
    ['7', ['7', '7', '7', '7', '7', '7', '7']],
  ] as const)('rounds %s to 0 places by each mode', (value, expected) => {
    expect(modes.map((mode) => d(value).round(0, mode).toString())).toEqual(expected);
  });

  it.each([
    ['13', 12, '2'],
    ['12', 12, '1'],
    ['0', 12, '0'],
    ['12.5', 12, '2'],
    ['0.001', 1, '1'],
    ['-5', 12, '0'],
    ['1000000000000000000001', 1000, '1000000000000000001'],
  ] as const)('ceilDiv(%s, %i) = %s', (a, b, expected) => {
    expect(d(a).ceilDiv(b).toString()).toBe(expected);
  });

  it.each([0, -12, 1.5, '2.5'])('refuses ceilDiv by %j', (divisor) => {
    expect(() => d('10').ceilDiv(divisor)).toThrow(RangeError);
  });

  it('rounds up to a pack multiple', () => {
    expect(d('13').roundUpToMultiple(12).toString()).toBe('24');
    expect(d('24').roundUpToMultiple(12).toString()).toBe('24');
    expect(d('0.5').roundUpToMultiple(1).toString()).toBe('1');
  });
});

describe('Decimal formatting', () => {
  it.each([
    ['25000', '25000.00'],
    ['3.1', '3.10'],
    ['-0.5', '-0.50'],
    ['0', '0.00'],
    ['1234567890123456789.99', '1234567890123456789.99'],
  ])('formats %s as money %s', (value, money) => {
    expect(d(value).toMoneyString()).toBe(money);
  });

  it('needs an explicit rounding mode to format money with more than two decimals', () => {
    expect(() => d('3.105').toMoneyString()).toThrow(/rounding necessary/);
    expect(d('3.105').toMoneyString('half-even')).toBe('3.10');
    expect(d('3.105').toMoneyString('half-up')).toBe('3.11');
    expect(d('-0.001').toMoneyString('half-even')).toBe('0.00');
  });

  it('formats to any fixed number of places', () => {
    expect(d('1.5').toFixed(0, 'half-even')).toBe('2');
    expect(d('1.5').toFixed(4)).toBe('1.5000');
    expect(d('0.000001').toString()).toBe('0.000001');
  });

  it('formats money as the ERP reports it: at least two places, never rounded', () => {
    expect(d('1488').toFixedAtLeast(2)).toBe('1488.00');
    expect(d('1488.0000').toFixedAtLeast(2)).toBe('1488.00');
    expect(d('3.125').toFixedAtLeast(2)).toBe('3.125');
  });

  it('serialises to JSON as a decimal string', () => {
    expect(JSON.stringify({ unitPrice: d('3.10'), qty: d(480) })).toBe('{"unitPrice":"3.1","qty":"480"}');
  });

  it.each([
    ['0.1', 0.1],
    ['12.5', 12.5],
    ['-3', -3],
    ['9007199254740991', 9007199254740991],
  ] as const)('converts %s to the number %s when exact', (value, n) => {
    expect(d(value).toNumber()).toBe(n);
  });

  it.each(['9007199254740993', '0.10000000000000000001', '1e400'])('refuses %s as a JS number', (value) => {
    expect(() => d(value).toNumber()).toThrow(RangeError);
  });
});

describe('fast paths of the mappings', () => {
  it('give the same text as Decimal, with and without the integer shortcut', () => {
    expect(multiplyToString(12.5, 12)).toBe(d('12.5').mul(12).toString());
    expect(multiplyToString(3, 24)).toBe('72');
    expect(multiplyToString(2 ** 52, 4)).toBe(
      d(2 ** 52)
        .mul(4)
        .toString(),
    );
    expect(quantityToString(480)).toBe('480');
    expect(quantityToString(1e21)).toBe(Decimal.fromNumber(1e21).toString());
    expect(
      sumOfProducts([
        { quantity: 480, price: '3.10' },
        { quantity: 2, price: '0.005' },
      ]),
    ).toBe('1488.01');
    expect(sumOfProducts([{ quantity: 0.5, price: '3.10' }])).toBe('1.55');
  });

  it('multiply any JSON quantity by a pack exactly as Decimal does', () => {
    // Quantities as senders write them (0-8 decimals, signs, magnitudes) and doubles no short
    // decimal reads as (0.1 + 0.2), each against Decimal's exact product.
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const quantities = [0.1 + 0.2, 1e-7, -0.5, 0.000001, 123456.789012, 2 ** 53 - 0.5, 1e21, -1e-6];
    for (let i = 0; i < 2000; i++) {
      const places = next() % 9;
      const text = `${next() % 2 ? '-' : ''}${next() % 100000}.${String(next()).slice(0, places)}`;
      quantities.push(Number(places === 0 ? text.slice(0, -1) : text));
    }
    for (const quantity of quantities)
      for (const factor of [1, 12, 48, 1000, 0])
        expect(multiplyToString(quantity, factor), `${quantity} x ${factor}`).toBe(
          Decimal.fromNumber(quantity).mul(factor).toString(),
        );
  });
});
