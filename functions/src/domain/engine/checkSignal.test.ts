import { describe, expect, it } from 'vitest';
import type { Candle } from '../candle.ts';
import { A, testSignal } from '../testing/builders.ts';
import type { SignalReason } from '../trading.types.ts';
import { signalPriceMismatch } from './checkSignal.ts';

const T = Date.parse('2023-03-20T11:00:00Z');
const candle: Candle = { t: T, o: 27100, h: 27300, l: 26950, c: 27250, v: 10 };
const at = (reason: SignalReason, price: string) =>
  testSignal({ side: reason === 'regime_entry' ? 'buy' : 'sell', reason, refPrice: price, candleTime: T });

describe('signalPriceMismatch', () => {
  it('accepts the close for entries, regime exits and liquidations; refuses any other price', () => {
    expect(signalPriceMismatch(at('regime_entry', '27250'), candle)).toBeNull();
    expect(signalPriceMismatch(at('regime_exit', '27250'), candle)).toBeNull();
    expect(signalPriceMismatch(at('regime_entry', '0.01'), candle)).toMatch(/≠ the candle's close/);
    expect(signalPriceMismatch(at('kill_switch', '27250.00000001'), candle)).toMatch(/≠/);
  });

  it('accepts a stop inside the candle (or its gapped open), refuses one outside', () => {
    expect(signalPriceMismatch(at('stop_loss', '26950'), candle)).toBeNull();
    expect(signalPriceMismatch(at('trailing_stop', '27100'), candle)).toBeNull();
    expect(signalPriceMismatch(at('stop_loss', '26949.99'), candle)).toMatch(/outside the candle's range/);
  });

  it('accepts a take-profit booked at its target below a gap up, refuses one above the high', () => {
    expect(signalPriceMismatch(at('take_profit', '26000'), candle)).toBeNull();
    expect(signalPriceMismatch(at('take_profit', '27300.01'), candle)).toMatch(/above the candle's high/);
  });

  it('refuses a signal with no stored candle or another candle', () => {
    expect(signalPriceMismatch(at('regime_exit', '27250'), null)).toMatch(/no stored/);
    expect(signalPriceMismatch(at('regime_exit', '27250'), { ...candle, t: T + 60_000 })).toMatch(/is not the signal's/);
    expect(A('1')).toBe(100_000_000n);
  });
});
