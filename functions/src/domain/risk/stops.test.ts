import { describe, expect, it } from 'vitest';
import type { RiskParams } from './params.ts';
import { riskParams } from '../testing/builders.ts';
import type { Candle } from '../candle.ts';
import { toAmount as A } from '../money.ts';
import type { Position } from '../trading.types.ts';
import { evaluateExit, initialStops } from './stops.ts';

const risk: RiskParams = riskParams(); // stop 2 ATR, target 4 ATR, trail 2 ATR armed after 1 ATR
const ATR = A('2');
const position: Position = {
  symbol: 'BTC/USDT',
  qty: A('1'),
  entryPrice: A('100'),
  entryTime: 0,
  checkedUntil: 0,
  costBasis: A('100.1'),
  ...initialStops(A('100'), ATR, risk),
  trailingStop: null,
  highWater: A('100'),
  openTradeId: 't1',
  lastPrice: A('100'),
};
const candle = (o: number, h: number, l: number, c: number): Candle => ({ t: 3_600_000, o, h, l, c, v: 1 });

describe('initialStops', () => {
  it('places the stop stopAtrMult ATRs below and the target takeProfitAtrMult ATRs above', () => {
    expect(initialStops(A('100'), ATR, risk)).toEqual({ stopLoss: A('96'), takeProfit: A('108') });
  });
  it('never puts a stop below zero', () => {
    expect(initialStops(A('1'), ATR, risk).stopLoss).toBe(0n);
  });
  it("the strategy's own stop only where tighter than the risk's (risk wins), its own target in place of the risk's", () => {
    expect(initialStops(A('100'), ATR, risk, { stopAtrBps: 10_000, targetAtrBps: 25_000 })).toEqual({
      stopLoss: A('98'),
      takeProfit: A('105'),
    });
    expect(initialStops(A('100'), ATR, risk, { stopAtrBps: 50_000 })).toEqual({ stopLoss: A('96'), takeProfit: A('108') });
    // ATR × bps / 10 000, rounded up to the unit: never a hair tighter or a hair lower than asked
    expect(initialStops(A('100'), A('0.00000003'), risk, { stopAtrBps: 5_000, targetAtrBps: 5_000 })).toEqual({
      stopLoss: A('99.99999998'),
      takeProfit: A('100.00000002'),
    });
  });
});

describe('evaluateExit on 1m candles (the finest): priced at the close', () => {
  it('holds on a quiet candle and tracks highWater and lastPrice', () => {
    const r = evaluateExit(position, candle(100, 101, 99, 100.5), ATR, risk, true);
    expect(r.exit).toBeNull();
    expect(r.position).toMatchObject({ highWater: A('101'), lastPrice: A('100.5'), trailingStop: null });
  });

  it('stop-loss when the low reaches the stop, sold at the close of that candle (a market order once it closed)', () => {
    expect(evaluateExit(position, candle(99, 99.5, 96, 97), ATR, risk, true).exit).toEqual({ reason: 'stop_loss', price: A('97') });
  });

  it('a gap through the stop also sells at the close: what live gets, not the level', () => {
    expect(evaluateExit(position, candle(94, 95, 93, 93.5), ATR, risk, true).exit).toEqual({ reason: 'stop_loss', price: A('93.5') });
  });

  it('take-profit when a candle closes at or above the target, sold at that close', () => {
    expect(evaluateExit(position, candle(104, 109, 103, 108.5), ATR, risk, true).exit).toEqual({
      reason: 'take_profit',
      price: A('108.5'),
    });
    expect(evaluateExit(position, candle(104, 109, 103, 108), ATR, risk, true).exit).toEqual({ reason: 'take_profit', price: A('108') });
  });

  it('a wick through the target that closes below it is no take-profit (live would not have got the target)', () => {
    expect(evaluateExit(position, candle(104, 111, 103, 107.9), ATR, risk, true).exit).toBeNull();
  });

  it('stop wins when the low reaches the stop in a candle that also closes above the target', () => {
    expect(evaluateExit(position, candle(100, 109, 95, 108.5), ATR, risk, true).exit).toEqual({ reason: 'stop_loss', price: A('108.5') });
  });

  it('arms the trailing stop after trailingActivationAtrMult ATRs of gain, then ratchets up only', () => {
    // gain 1.9 < 1 ATR (2): not armed
    const a = evaluateExit(position, candle(100, 101.9, 100, 101.5), ATR, risk, true);
    expect(a.position.trailingStop).toBeNull();
    // gain 2.5 ≥ 2: armed at highWater − 2 × ATR = 102.5 − 4
    const b = evaluateExit(a.position, candle(101.5, 102.5, 101, 102), ATR, risk, true);
    expect(b.position.trailingStop).toBe(A('98.5'));
    const c = evaluateExit(b.position, candle(102, 105, 101.5, 104), ATR, risk, true);
    expect(c.position.trailingStop).toBe(A('101'));
    // a lower high and a wider ATR would put the trail at 104 − 6 = 98: it stays at 101
    const d = evaluateExit(c.position, candle(104, 104, 102, 103), A('3'), risk, true);
    expect(d.exit).toBeNull();
    expect(d.position).toMatchObject({ trailingStop: A('101'), highWater: A('105') });
    // the trailing stop is now the stop in force
    expect(evaluateExit(d.position, candle(103, 103.5, 100.5, 101.2), ATR, risk, true).exit).toEqual({
      reason: 'trailing_stop',
      price: A('101.2'),
    });
  });

  it("checks the levels known before the candle, then raises the trail from the candle's high", () => {
    const armed: Position = { ...position, trailingStop: A('101'), highWater: A('105') };
    // high 106 would lift the trail to 102, and the low 101.5 is below that — but not below 101
    const r = evaluateExit(armed, candle(103, 106, 101.5, 102.5), ATR, risk, true);
    expect(r.exit).toBeNull();
    expect(r.position.trailingStop).toBe(A('102'));
    // next candle gaps below the new trail: out at its close, as a trailing stop
    expect(evaluateExit(r.position, candle(101.8, 102, 101, 101.5), ATR, risk, true).exit).toEqual({
      reason: 'trailing_stop',
      price: A('101.5'),
    });
  });

  it('a trailing stop below the initial stop does not weaken it', () => {
    const loose: Position = { ...position, trailingStop: A('94') };
    expect(evaluateExit(loose, candle(97, 97, 95.5, 96), ATR, risk, true).exit).toEqual({ reason: 'stop_loss', price: A('96') });
  });

  it('without ATR the fixed stops still work and the trail is frozen', () => {
    const armed: Position = { ...position, trailingStop: A('99') };
    const r = evaluateExit(armed, candle(100, 120, 99.5, 110), null, risk, true);
    expect(r.position.trailingStop).toBe(A('99'));
    expect(r.exit).toEqual({ reason: 'take_profit', price: A('110') });
    expect(evaluateExit(position, candle(97, 97, 90, 91), null, risk, true).exit).toEqual({ reason: 'stop_loss', price: A('91') });
  });
});

describe('evaluateExit on coarser candles (no 1m data): priced where a minute-by-minute check would have sold', () => {
  it('stop-loss at the stop level when the low reaches it; a gap through the stop exits at the open', () => {
    expect(evaluateExit(position, candle(99, 99.5, 96, 97), ATR, risk, false).exit).toEqual({ reason: 'stop_loss', price: A('96') });
    expect(evaluateExit(position, candle(94, 95, 93, 94), ATR, risk, false).exit).toEqual({ reason: 'stop_loss', price: A('94') });
  });

  it('take-profit at the target when the high reaches it, even on a gap up (never credit a gap)', () => {
    expect(evaluateExit(position, candle(104, 109, 103, 108.5), ATR, risk, false).exit).toEqual({ reason: 'take_profit', price: A('108') });
    expect(evaluateExit(position, candle(110, 111, 109, 110), ATR, risk, false).exit).toEqual({ reason: 'take_profit', price: A('108') });
  });

  it('stop wins when both stop and target are inside one candle', () => {
    expect(evaluateExit(position, candle(100, 109, 95, 100), ATR, risk, false).exit).toEqual({ reason: 'stop_loss', price: A('96') });
  });
});
