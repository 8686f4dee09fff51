import { describe, expect, it } from 'vitest';
import { nextUtcDayStart } from '../risk/limits.ts';
import { A, riskParams, T0, testBook, testCtx, testPosition, testSignal, testWallet, testRules } from '../testing/builders.ts';
import { SYSTEM_MODES, type SystemMode } from '../trading.types.ts';
import { planOrder } from './planOrder.ts';

const buy = testSignal({ side: 'buy' });
const sell = testSignal({ side: 'sell' });
const holding = { 'BTC/USDT': testPosition() };

describe('planOrder', () => {
  it('takes the quantity the tick sized when every cap allows it', () => {
    expect(planOrder(testBook(), buy, testCtx())).toEqual({ kind: 'order', qty: A('0.05'), limitedBy: 'risk' });
  });

  it('shrinks an entry to the caps, never grows it', () => {
    // 25 % exposure of 10 000 ⇒ 2 500 / 27 013.5 = 0.09254 BTC, whatever the signal asked for
    expect(planOrder(testBook(), { ...buy, qty: A('5') }, testCtx())).toEqual({ kind: 'order', qty: A('0.09254'), limitedBy: 'exposure' });
    const poor = testBook({ wallet: testWallet({ cash: A('1000') }) });
    expect(planOrder(poor, { ...buy, qty: A('5') }, testCtx())).toMatchObject({ kind: 'order', limitedBy: 'cash' });
  });

  it('refuses a sell for any quantity but the whole position', () => {
    expect(planOrder(testBook({ positions: holding }), { ...sell, qty: A('0.05') }, testCtx())).toMatchObject({
      kind: 'rejected',
      reason: 'qty_mismatch',
    });
  });

  it('a sell closes the whole position', () => {
    expect(planOrder(testBook({ positions: holding }), sell, testCtx())).toEqual({
      kind: 'order',
      qty: A('0.1'),
      limitedBy: 'close_position',
    });
  });

  const modes: Record<SystemMode, [buy: string, sell: string]> = {
    NORMAL: ['order', 'order'],
    OBSERVATION: ['mode_disallows_entry', 'mode_disallows_exit'],
    REDUCING: ['mode_disallows_entry', 'order'],
    PAUSED: ['mode_disallows_entry', 'order'],
    KILLED: ['mode_disallows_entry', 'order'],
  };
  it.each(SYSTEM_MODES)('mode %s', (mode) => {
    const outcome = (s: typeof buy, positions = {}) => {
      const p = planOrder(testBook({ mode, positions }), s, testCtx());
      return p.kind === 'order' ? 'order' : p.reason;
    };
    expect([outcome(buy), outcome(sell, holding)]).toEqual(modes[mode]);
  });

  it('rejects a sell without a position', () => {
    expect(planOrder(testBook(), sell, testCtx())).toMatchObject({ kind: 'rejected', reason: 'no_position' });
  });

  it('rejects a second entry in the same symbol', () => {
    expect(planOrder(testBook({ positions: holding }), buy, testCtx())).toMatchObject({ kind: 'rejected', reason: 'position_open' });
  });

  it('rejects beyond maxOpenPositions', () => {
    const positions = { 'ETH/USDT': testPosition({ symbol: 'ETH/USDT' }), 'SOL/USDT': testPosition({ symbol: 'SOL/USDT' }) };
    const ctx = testCtx({ risk: riskParams({ maxOpenPositions: 2 }) });
    expect(planOrder(testBook({ positions }), buy, ctx)).toMatchObject({ kind: 'rejected', reason: 'max_open_positions' });
    expect(planOrder(testBook({ positions }), buy, testCtx({ risk: riskParams({ maxOpenPositions: 3 }) })).kind).toBe('order');
  });

  it('re-checks the kill switch even if the mode has not caught up yet', () => {
    const wallet = testWallet({ equity: A('8400'), cash: A('8400'), peakEquity: A('10000'), dayStartEquity: A('8400') });
    expect(planOrder(testBook({ wallet }), buy, testCtx())).toMatchObject({ kind: 'rejected', reason: 'kill_switch' });
    expect(planOrder(testBook({ wallet, positions: holding }), sell, testCtx()).kind).toBe('order');
  });

  it('daily loss: rejects entries on the same UTC day, allows them the next day', () => {
    const wallet = testWallet({ equity: A('9600'), cash: A('9600'), day: '20230320', dayStartEquity: A('10000') });
    expect(planOrder(testBook({ wallet }), buy, testCtx())).toMatchObject({ kind: 'rejected', reason: 'daily_loss_limit' });
    expect(planOrder(testBook({ wallet, positions: holding }), sell, testCtx()).kind).toBe('order');
    expect(planOrder(testBook({ wallet }), { ...buy, candleTime: nextUtcDayStart(T0) - 3_600_000 }, testCtx()).kind).toBe('order');
  });

  it('entries paused until a time: rejected before, allowed from that time on', () => {
    const until = nextUtcDayStart(T0);
    const book = testBook({ entriesPausedUntil: until });
    expect(planOrder(book, { ...buy, candleTime: until - 1 - 3_600_000 }, testCtx())).toMatchObject({
      kind: 'rejected',
      reason: 'entries_paused',
    });
    expect(planOrder(book, { ...buy, candleTime: until - 3_600_000 }, testCtx()).kind).toBe('order');
    expect(planOrder(testBook({ entriesPausedUntil: until, positions: holding }), sell, testCtx()).kind).toBe('order');
  });

  it('rejects when cash cannot buy one step or the size is below min notional', () => {
    const poor = testWallet({ cash: A('0.01') });
    expect(planOrder(testBook({ wallet: poor }), buy, testCtx())).toMatchObject({ kind: 'rejected', reason: 'insufficient_cash' });
    const ctx = testCtx({ rules: testRules('0.00001', '5000') });
    expect(planOrder(testBook(), buy, ctx)).toMatchObject({ kind: 'rejected', reason: 'below_min_notional' });
  });

  it('rejects an entry without ATR', () => {
    expect(planOrder(testBook(), testSignal({ atr: '0' }), testCtx())).toMatchObject({ kind: 'rejected', reason: 'invalid_atr' });
  });
});
