import { describe, expect, it } from 'vitest';
import { applyBps, div, floorToStep, mul, toAmount, toDecimalString } from './money.ts';
import { mulberry32 } from './testing/prng.ts';

describe('money', () => {
  it('parses decimal strings and numbers exactly', () => {
    expect(toAmount('24899.18')).toBe(2489918000000n);
    expect(toAmount(24899.18)).toBe(2489918000000n);
    expect(toAmount('-0.00000001')).toBe(-1n);
    expect(toAmount(1e-7)).toBe(10n);
    expect(toDecimalString(toAmount('12.5'))).toBe('12.50000000');
    expect(toDecimalString(-5n)).toBe('-0.00000005');
  });

  it('rounds beyond 8 decimals in the requested direction', () => {
    expect(toAmount('0.000000015', 'half-even')).toBe(2n);
    expect(toAmount('0.000000025', 'half-even')).toBe(2n);
    expect(toAmount('0.000000011', 'up')).toBe(2n);
    expect(toAmount('0.000000019', 'down')).toBe(1n);
    expect(toAmount('-0.000000011', 'down')).toBe(-2n);
    expect(toAmount('-0.000000019', 'up')).toBe(-1n);
  });

  it('rejects garbage', () => {
    expect(() => toAmount('1,5')).toThrow(RangeError);
    expect(() => toAmount(Number.NaN)).toThrow(RangeError);
    expect(() => toAmount('')).toThrow(RangeError);
  });

  it('multiplies and divides with explicit rounding', () => {
    const qty = toAmount('0.00012345');
    const price = toAmount('27123.45');
    expect(toDecimalString(mul(qty, price, 'down'))).toBe('3.34838990');
    expect(toDecimalString(mul(qty, price, 'up'))).toBe('3.34838991');
    expect(toDecimalString(div(toAmount('10'), toAmount('3'), 'down'))).toBe('3.33333333');
    expect(toDecimalString(div(toAmount('10'), toAmount('3'), 'up'))).toBe('3.33333334');
    expect(toDecimalString(div(toAmount('-10'), toAmount('3'), 'down'))).toBe('-3.33333334');
  });

  it('applies basis points and exchange steps', () => {
    expect(toDecimalString(applyBps(toAmount('1000'), 10, 'up'))).toBe('1.00000000');
    expect(toDecimalString(applyBps(toAmount('3.34838990'), 10, 'up'))).toBe('0.00334839');
    expect(toDecimalString(applyBps(toAmount('3.34838990'), 10, 'down'))).toBe('0.00334838');
    expect(toDecimalString(floorToStep(toAmount('0.123456'), toAmount('0.001')))).toBe('0.12300000');
  });

  it('takes sums of 2-decimal bps despite their double noise, and refuses a third decimal', () => {
    // 2 × (0.1 + 0.2) is 0.6000000000000001 in doubles: a fee of 0.1 bps plus 0.2 of slippage once threw here
    expect(toDecimalString(applyBps(toAmount('1000000'), 2 * (0.1 + 0.2), 'up'))).toBe('60.00000000');
    expect(() => applyBps(toAmount('1'), 0.125, 'up')).toThrow(RangeError);
    expect(() => applyBps(toAmount('1'), Number.NaN, 'up')).toThrow(RangeError);
  });
});

describe('toAmount(number): the fast path equals the string path', () => {
  const slow = (n: number, r: 'down' | 'up' | 'half-even') => {
    // the reference: the number's shortest decimal text, parsed as a string
    const text = /e/i.test(String(n)) ? n.toFixed(20) : String(n);
    return toAmount(text, r);
  };
  it.each(['down', 'up', 'half-even'] as const)('on 100 000 random prices, ATRs and edge cases (%s)', (r) => {
    const rand = mulberry32(20231123);
    const cases: number[] = [0, 1e-8, -1e-8, 0.5e-8, 1.5e-8, 2.5e-8, 27950.12, 0.1 + 0.2, 1 / 3, 89_999_999.99999999, -1234.56789012345];
    for (let i = 0; i < 100_000; i++) {
      const mag = 10 ** Math.floor(rand() * 12 - 4);
      const v = rand() * mag;
      cases.push(i % 3 === 0 ? Math.round(v * 1e8) / 1e8 : i % 3 === 1 ? v : -v);
    }
    const wrong = cases.filter((n) => toAmount(n, r) !== slow(n, r));
    expect(wrong).toEqual([]);
  });
});
