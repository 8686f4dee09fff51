import { describe, expect, it } from 'vitest';
import { toAmount as A } from '../money.ts';
import { ProtectionParamsSchema } from './params.ts';
import {
  activeLocks,
  ALL_SYMBOLS,
  EMPTY_PROTECTIONS,
  isStopOut,
  liftLocks,
  lockOn,
  stepProtections,
  type ExitRecord,
} from './protections.ts';

const H = 3_600_000;
const T = Date.parse('2023-03-20T00:00:00Z');
const exit = (id: string, symbol: string, at: number, reason: ExitRecord['reason'], pnl: string, cost = '1000'): ExitRecord => ({
  id,
  symbol,
  at,
  reason,
  pnl: A(pnl),
  cost: A(cost),
});

describe('protections (pure)', () => {
  it('config: each protection off until set; unknown keys and out-of-range values refused, naming the field', () => {
    expect(ProtectionParamsSchema.parse({})).toEqual({});
    expect(ProtectionParamsSchema.parse({ stoplossGuard: { stops: 2, lookbackHours: 6, lockMinutes: 60 } }).stoplossGuard?.scope).toBe(
      'all',
    );
    expect(ProtectionParamsSchema.safeParse({ cooldwn: { minutes: 5 } }).error?.issues[0]?.message).toMatch(/cooldwn/);
    expect(ProtectionParamsSchema.safeParse({ cooldown: { minutes: 0 } }).error?.issues[0]?.path).toEqual(['cooldown', 'minutes']);
    expect(ProtectionParamsSchema.safeParse({ cooldown: { minutes: 60, extra: 1 } }).success).toBe(false);
    expect(
      ProtectionParamsSchema.safeParse({ maxDrawdown: { minTrades: 1, lookbackHours: 24, maxDrawdownPct: 0, lockMinutes: 60 } }).success,
    ).toBe(false);
  });

  it('a stop-out is a stop-loss or a losing trailing stop', () => {
    expect(isStopOut(exit('a', 'BTC/USDT', T, 'stop_loss', '5'))).toBe(true);
    expect(isStopOut(exit('a', 'BTC/USDT', T, 'trailing_stop', '-1'))).toBe(true);
    expect(isStopOut(exit('a', 'BTC/USDT', T, 'trailing_stop', '1'))).toBe(false);
    expect(isStopOut(exit('a', 'BTC/USDT', T, 'regime_exit', '-50'))).toBe(false);
  });

  it('cooldown: locks the symbol from the exit for its minutes; the same exit counted once; expired locks and old exits are forgotten', () => {
    const params = ProtectionParamsSchema.parse({ cooldown: { minutes: 30 } });
    const e = exit('s1', 'BTC/USDT', T, 'stop_loss', '-10');
    const one = stepProtections(params, EMPTY_PROTECTIONS, [e], T, A('10000'));
    expect(one.added).toMatchObject([{ symbol: 'BTC/USDT', protection: 'cooldown', from: T, until: T + 30 * 60_000 }]);
    expect(lockOn(one.state.locks, 'BTC/USDT', T + 29 * 60_000)?.protection).toBe('cooldown');
    expect(lockOn(one.state.locks, 'ETH/USDT', T + 60_000)).toBeNull();
    expect(lockOn(one.state.locks, 'BTC/USDT', T + 30 * 60_000)).toBeNull();
    // re-decided after a failed publish: same id, no second lock
    expect(stepProtections(params, one.state, [{ ...e, at: T + 60_000 }], T + 60_000, A('10000')).added).toEqual([]);
    const later = stepProtections(params, one.state, [], T + 31 * 60_000, A('10000'));
    expect(later.state).toEqual(EMPTY_PROTECTIONS);
  });

  it('stop-loss guard: N stop-outs within the look-back lock the scope; fewer, or older ones, do not', () => {
    const params = ProtectionParamsSchema.parse({ stoplossGuard: { stops: 2, lookbackHours: 2, lockMinutes: 60, scope: 'all' } });
    const a = stepProtections(params, EMPTY_PROTECTIONS, [exit('1', 'BTC/USDT', T, 'stop_loss', '-1')], T, A('10000'));
    expect(a.added).toEqual([]);
    const late = stepProtections(params, a.state, [exit('2', 'ETH/USDT', T + 3 * H, 'stop_loss', '-1')], T + 3 * H, A('10000'));
    expect(late.added).toEqual([]);
    const b = stepProtections(params, a.state, [exit('2', 'ETH/USDT', T + H, 'stop_loss', '-1')], T + H, A('10000'));
    expect(b.added).toMatchObject([{ symbol: ALL_SYMBOLS, protection: 'stoploss_guard' }]);
    expect(lockOn(b.state.locks, 'XRP/USDT', T + H + 1)?.protection).toBe('stoploss_guard');
  });

  it("low profit: the symbol's exits below the required return lock it; exactly at it does not", () => {
    const params = ProtectionParamsSchema.parse({ lowProfit: { minTrades: 2, lookbackHours: 24, requiredProfitPct: 1, lockMinutes: 60 } });
    const s0 = stepProtections(params, EMPTY_PROTECTIONS, [exit('1', 'BTC/USDT', T, 'take_profit', '15')], T, A('10000')).state;
    // 15 + 5 = 20 on 2000 of cost: exactly 1 %
    expect(stepProtections(params, s0, [exit('2', 'BTC/USDT', T + H, 'regime_exit', '5')], T + H, A('10000')).added).toEqual([]);
    expect(stepProtections(params, s0, [exit('2', 'BTC/USDT', T + H, 'regime_exit', '4.99999999')], T + H, A('10000')).added).toMatchObject(
      [{ symbol: 'BTC/USDT', protection: 'low_profit' }],
    );
  });

  it("max drawdown: a fall of the exits' running PnL beyond the limit locks all symbols", () => {
    const params = ProtectionParamsSchema.parse({ maxDrawdown: { minTrades: 2, lookbackHours: 24, maxDrawdownPct: 1, lockMinutes: 60 } });
    // from 10 000: +100, then −150: a fall of 150 from a peak of 10 100 (1.49 %); −100 would be 0.99 %
    const s0 = stepProtections(params, EMPTY_PROTECTIONS, [exit('1', 'BTC/USDT', T, 'take_profit', '100')], T, A('10100')).state;
    expect(stepProtections(params, s0, [exit('2', 'ETH/USDT', T + H, 'stop_loss', '-150')], T + H, A('9950')).added).toMatchObject([
      { symbol: ALL_SYMBOLS, protection: 'max_drawdown' },
    ]);
    expect(stepProtections(params, s0, [exit('2', 'ETH/USDT', T + H, 'stop_loss', '-100')], T + H, A('10000')).added).toEqual([]);
  });

  it('lift: by symbol, by id, or all; lifted ids of locks no longer stored are dropped; activeLocks hides lifted ones', () => {
    const params = ProtectionParamsSchema.parse({
      cooldown: { minutes: 60 },
      stoplossGuard: { stops: 1, lookbackHours: 1, lockMinutes: 60 },
    });
    const { state } = stepProtections(params, EMPTY_PROTECTIONS, [exit('1', 'BTC/USDT', T, 'stop_loss', '-1')], T, A('10000'));
    expect(state.locks.map((l) => l.symbol)).toEqual(['BTC/USDT', ALL_SYMBOLS]);
    const bySymbol = liftLocks(state, [], ['BTC/USDT']);
    expect(bySymbol.lifted.map((l) => l.protection)).toEqual(['cooldown']);
    expect(activeLocks(state, bySymbol.locksLifted).locks.map((l) => l.symbol)).toEqual([ALL_SYMBOLS]);
    expect(liftLocks(state, bySymbol.locksLifted, 'all').lifted.map((l) => l.symbol)).toEqual([ALL_SYMBOLS]);
    expect(liftLocks(state, [], [state.locks[1]!.id]).lifted).toEqual([state.locks[1]]);
    expect(liftLocks(EMPTY_PROTECTIONS, ['gone'], 'all')).toEqual({ lifted: [], locksLifted: [] });
  });
});
