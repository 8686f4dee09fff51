import { describe, expect, it } from 'vitest';
import { applyBps, div, floorToStep, mul, toAmount, toDecimalString } from './money.ts';

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
});
