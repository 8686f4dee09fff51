import { describe, expect, it } from 'vitest';
import { nextUtcDayStart } from '../risk/limits.ts';
import { A, riskParams, T0, testBook, testCtx, testPosition, testSignal, testWallet } from '../testing/builders.ts';
import { SYSTEM_MODES, type SystemMode } from '../trading.types.ts';
import { planOrder } from './planOrder.ts';

const buy = testSignal({ side: 'buy' });
const sell = testSignal({ side: 'sell' });
const holding = { 'BTC/USDT': testPosition() };

describe('planOrder', () => {
  it('sizes an entry in NORMAL mode', () => {
    // 1 % of 10 000 over 2 × ATR 50 = 1 BTC by risk; 25 % exposure ⇒ 2 500 / 27 013.5 = 0.09254 BTC
    expect(planOrder(testBook(), buy, testCtx(), T0)).toEqual({ kind: 'order', qty: A('0.09254'), limitedBy: 'exposure' });
  });

  it('a sell closes the whole position', () => {
    expect(planOrder(testBook({ positions: holding }), sell, testCtx(), T0)).toEqual({ kind: 'order', qty: A('0.1'), limitedBy: 'close_position' });
  });

  const modes: Record<SystemMode, [buy: string, sell: string]> = {
    NORMAL: ['order', 'order'],
    OBSERVATION: ['mode_disallows_entry', 'mode_disallows_exit'],
    PAUSED: ['mode_disallows_entry', 'order'],
    KILLED: ['mode_disallows_entry', 'order'],
  };
  it.each(SYSTEM_MODES)('mode %s', (mode) => {
    const outcome = (s: typeof buy, positions = {}) => {
      const p = planOrder(testBook({ mode, positions }), s, testCtx(), T0);
      return p.kind === 'order' ? 'order' : p.reason;
    };
    expect([outcome(buy), outcome(sell, holding)]).toEqual(modes[mode]);
  });

  it('rejects a sell without a position', () => {
    expect(planOrder(testBook(), sell, testCtx(), T0)).toMatchObject({ kind: 'rejected', reason: 'no_position' });
  });

  it('rejects a second entry in the same symbol', () => {
    expect(planOrder(testBook({ positions: holding }), buy, testCtx(), T0)).toMatchObject({ kind: 'rejected', reason: 'position_open' });
  });

  it('rejects beyond maxOpenPositions', () => {
    const positions = { 'ETH/USDT': testPosition({ symbol: 'ETH/USDT' }), 'SOL/USDT': testPosition({ symbol: 'SOL/USDT' }) };
    const ctx = testCtx({ risk: riskParams({ maxOpenPositions: 2 }) });
    expect(planOrder(testBook({ positions }), buy, ctx, T0)).toMatchObject({ kind: 'rejected', reason: 'max_open_positions' });
    expect(planOrder(testBook({ positions }), buy, testCtx({ risk: riskParams({ maxOpenPositions: 3 }) }), T0).kind).toBe('order');
  });

  it('re-checks the kill switch even if the mode has not caught up yet', () => {
    const wallet = testWallet({ equity: A('8400'), cash: A('8400'), peakEquity: A('10000'), dayStartEquity: A('8400') });
    expect(planOrder(testBook({ wallet }), buy, testCtx(), T0)).toMatchObject({ kind: 'rejected', reason: 'kill_switch' });
    expect(planOrder(testBook({ wallet, positions: holding }), sell, testCtx(), T0).kind).toBe('order');
  });

  it('daily loss: rejects entries on the same UTC day, allows them the next day', () => {
    const wallet = testWallet({ equity: A('9600'), cash: A('9600'), day: '20230320', dayStartEquity: A('10000') });
    expect(planOrder(testBook({ wallet }), buy, testCtx(), T0)).toMatchObject({ kind: 'rejected', reason: 'daily_loss_limit' });
    expect(planOrder(testBook({ wallet, positions: holding }), sell, testCtx(), T0).kind).toBe('order');
    expect(planOrder(testBook({ wallet }), buy, testCtx(), nextUtcDayStart(T0)).kind).toBe('order');
  });

  it('entries paused until a time: rejected before, allowed from that time on', () => {
    const until = nextUtcDayStart(T0);
    const book = testBook({ entriesPausedUntil: until });
    expect(planOrder(book, buy, testCtx(), until - 1)).toMatchObject({ kind: 'rejected', reason: 'entries_paused' });
    expect(planOrder(book, buy, testCtx(), until).kind).toBe('order');
    expect(planOrder(testBook({ entriesPausedUntil: until, positions: holding }), sell, testCtx(), T0).kind).toBe('order');
  });

  it('rejects when cash cannot buy one step or the size is below min notional', () => {
    const poor = testWallet({ cash: A('0.01') });
    expect(planOrder(testBook({ wallet: poor }), buy, testCtx(), T0)).toMatchObject({ kind: 'rejected', reason: 'insufficient_cash' });
    const ctx = testCtx({ rules: { amountStep: A('0.00001'), minNotional: A('5000') } });
    expect(planOrder(testBook(), buy, ctx, T0)).toMatchObject({ kind: 'rejected', reason: 'below_min_notional' });
  });

  it('rejects an entry without ATR', () => {
    expect(planOrder(testBook(), testSignal({ atr: '0' }), testCtx(), T0)).toMatchObject({ kind: 'rejected', reason: 'invalid_atr' });
  });
});
