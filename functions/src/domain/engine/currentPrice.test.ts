import { describe, expect, it } from 'vitest';
import type { Candle, Timeframe } from '../candle.ts';
import { createSignal } from '../signal.ts';
import { A, testPosition } from '../testing/builders.ts';
import type { Side, SignalReason } from '../trading.types.ts';
import {
  atCurrentPrice,
  entryNotCurrent,
  exitNeedsCurrentCandle,
  repriceExit,
  takeProfitBelowTarget,
  timeframesBehind,
} from './currentPrice.ts';

const H = 3_600_000;
const M = 60_000;
/** a 4h candle's open time; its close is T + 4h */
const T = Date.parse('2023-03-20T08:00:00Z');
const signal = (o: { side?: Side; reason?: SignalReason; tf?: Timeframe; t?: number; price?: string } = {}) =>
  createSignal(
    {
      strategyVersion: 't@1',
      symbol: 'XRP/USDT',
      timeframe: o.tf ?? '4h',
      candleTime: o.t ?? T,
      side: o.side ?? 'buy',
      reason: o.reason ?? (o.side === 'sell' ? 'regime_exit' : 'regime_entry'),
      refPrice: A(o.price ?? '0.5'),
      atr: A('0.01'),
      qty: A('100'),
    },
    (o.t ?? T) + 4 * H,
  );
const candle = (t: number, c: number): Candle => ({ t, o: c, h: c, l: c, c, v: 1 });

describe('entries fill only at the current candle (one timeframe of grace)', () => {
  it('the newest closed candle fills, from its close until the next one closes', () => {
    expect(entryNotCurrent(signal(), T + 4 * H)).toBeNull(); // the instant it closed
    expect(entryNotCurrent(signal(), T + 8 * H - 1)).toBeNull();
    expect(timeframesBehind(signal(), T + 8 * H - 1)).toBe(0);
  });

  it('one timeframe behind is the grace: a delivery landing just after the next close still fills', () => {
    expect(timeframesBehind(signal(), T + 8 * H)).toBe(1);
    expect(entryNotCurrent(signal(), T + 8 * H)).toBeNull();
    expect(entryNotCurrent(signal(), T + 12 * H - 1)).toBeNull();
  });

  it('two timeframes behind is stale, with the reason; so is a months-old candle', () => {
    expect(entryNotCurrent(signal(), T + 12 * H)).toBe(
      'stale signal: 4h candle 2023-03-20T08:00:00.000Z is 2 timeframes old at 2023-03-20T20:00:00.000Z',
    );
    const sep2022 = Date.parse('2022-09-10T00:00:00Z');
    expect(entryNotCurrent(signal({ t: sep2022 }), Date.parse('2023-07-01T00:00:00Z'))).toMatch(
      /^stale signal: 4h candle 2022-09-10T00:00:00.000Z is 1763 timeframes old at 2023-07-01/,
    );
    expect(atCurrentPrice(signal(), T + 12 * H, null)).toEqual({ kind: 'refused', reason: expect.stringMatching(/^stale signal/) });
  });

  it('a candle that has not closed by now (from the future) is refused', () => {
    expect(entryNotCurrent(signal(), T + 4 * H - 1)).toMatch(
      /^future signal: 4h candle 2023-03-20T08:00:00.000Z closes at 2023-03-20T12:00:00.000Z, after 2023-03-20T11:59:59.999Z/,
    );
    expect(entryNotCurrent(signal(), T - 30 * 24 * H)).toMatch(/^future signal/);
  });

  it('any timeframe the same: a 1m candle is stale two minutes after it closed', () => {
    const t = T + 5 * M;
    expect(entryNotCurrent(signal({ tf: '1m', t }), t + 2 * M - 1)).toBeNull();
    expect(entryNotCurrent(signal({ tf: '1m', t }), t + 3 * M)).toMatch(/is 2 timeframes old/);
  });

  it('a current entry fills as it is, never repriced', () => {
    const s = signal();
    expect(atCurrentPrice(s, T + 8 * H, candle(T + 4 * H, 9))).toEqual({ kind: 'fill', signal: s, repriced: false });
  });
});

describe('exits are never refused for lateness, and sell at the current candle', () => {
  it('an exit at the newest candle fills as it is and needs no lookup', () => {
    const s = signal({ side: 'sell' });
    expect(exitNeedsCurrentCandle(s, T + 8 * H - 1)).toBe(false);
    expect(atCurrentPrice(s, T + 8 * H - 1, null)).toEqual({ kind: 'fill', signal: s, repriced: false });
    expect(exitNeedsCurrentCandle(signal(), T + 30 * H)).toBe(false); // entries never look one up
  });

  it("a late exit is repriced at the newest stored closed candle: same id, that candle's time and close", () => {
    const s = signal({ side: 'sell', reason: 'stop_loss', price: '0.5' });
    const now = T + 30 * 24 * H; // a month later
    expect(exitNeedsCurrentCandle(s, now)).toBe(true);
    const current = candle(now - 8 * H, 0.4321);
    const out = atCurrentPrice(s, now, current);
    expect(out).toEqual({ kind: 'fill', repriced: true, signal: { ...s, candleTime: current.t, refPrice: A('0.4321') } });
    expect(out.kind === 'fill' && out.signal.id).toBe(s.id);
    expect(repriceExit(s, current)).toEqual({ ...s, candleTime: current.t, refPrice: A('0.4321') });
  });

  it('one timeframe late is repriced too; with nothing newer stored it sells at its own candle', () => {
    const s = signal({ side: 'sell' });
    expect(atCurrentPrice(s, T + 8 * H, candle(T + 4 * H, 0.6))).toMatchObject({
      kind: 'fill',
      repriced: true,
      signal: { candleTime: T + 4 * H, refPrice: A('0.6') },
    });
    expect(atCurrentPrice(s, T + 8 * H, candle(T, 0.5))).toEqual({ kind: 'fill', signal: s, repriced: false });
    expect(atCurrentPrice(s, T + 8 * H, null)).toEqual({ kind: 'fill', signal: s, repriced: false });
  });

  it('a 1m guard exit is priced at the newest 1m candle', () => {
    const t = T + 7 * M;
    const s = signal({ side: 'sell', reason: 'trailing_stop', tf: '1m', t });
    expect(atCurrentPrice(s, t + 10 * M, candle(t + 8 * M, 0.47))).toMatchObject({
      kind: 'fill',
      repriced: true,
      signal: { timeframe: '1m', candleTime: t + 8 * M, refPrice: A('0.47') },
    });
  });

  it('an exit from the future, or a "current" candle that has not closed, is refused', () => {
    expect(atCurrentPrice(signal({ side: 'sell' }), T + 4 * H - 1, null)).toEqual({
      kind: 'refused',
      reason: expect.stringMatching(/^future signal/),
    });
    expect(atCurrentPrice(signal({ side: 'sell' }), T + 9 * H, candle(T + 8 * H, 0.6))).toEqual({
      kind: 'refused',
      reason: expect.stringMatching(/has not closed/),
    });
  });
});

describe('a take-profit is never below its target', () => {
  const held = testPosition({ symbol: 'XRP/USDT', takeProfit: A('0.55') });
  it("refuses a take-profit below the position's target, with the reason", () => {
    expect(takeProfitBelowTarget(signal({ side: 'sell', reason: 'take_profit', price: '0.01' }), held)).toBe(
      "take-profit refPrice 0.01000000 below the position's target 0.55000000",
    );
    expect(takeProfitBelowTarget(signal({ side: 'sell', reason: 'take_profit', price: '0.54999999' }), held)).toMatch(
      /below the position's target/,
    );
  });
  it('accepts one at or above the target; other exits and no position are not its business', () => {
    expect(takeProfitBelowTarget(signal({ side: 'sell', reason: 'take_profit', price: '0.55' }), held)).toBeNull();
    expect(takeProfitBelowTarget(signal({ side: 'sell', reason: 'take_profit', price: '0.6' }), held)).toBeNull();
    expect(takeProfitBelowTarget(signal({ side: 'sell', reason: 'stop_loss', price: '0.01' }), held)).toBeNull();
    expect(takeProfitBelowTarget(signal({ side: 'sell', reason: 'take_profit', price: '0.01' }), undefined)).toBeNull();
  });
});
