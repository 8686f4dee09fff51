import { describe, expect, it } from 'vitest';
import { toAmount as A, toDecimalString as S } from '../money.ts';
import { InvariantError } from './invariantError.ts';
import { cashDelta, paperFill } from './paperFill.ts';

describe('paperFill', () => {
  it('buys at the slipped price rounded up, fee on the notional rounded up', () => {
    const f = paperFill({ side: 'buy', refPrice: A('27123.45'), qty: A('0.123'), feeBps: 10, slippageBps: 5 });
    // 27123.45 × 1.0005 = 27137.011725; 0.123 × that = 3337.852442175 ↑; fee 3.33785244218 ↑
    expect([S(f.price), S(f.notional), S(f.fee)]).toEqual(['27137.01172500', '3337.85244218', '3.33785245']);
    expect(S(cashDelta('buy', f))).toBe('-3341.19029463');
  });

  it('sells at the slipped price rounded down, fee rounded up', () => {
    const f = paperFill({ side: 'sell', refPrice: A('0.33333333'), qty: A('3'), feeBps: 7.5, slippageBps: 3 });
    // 0.33333333 × 0.9997 = 0.333233330001 ↓ 0.33323333; × 3 = 0.99969999; fee 0.00074977499… ↑ 0.00074978
    expect([S(f.price), S(f.notional), S(f.fee)]).toEqual(['0.33323333', '0.99969999', '0.00074978']);
    expect(S(cashDelta('sell', f))).toBe('0.99895021');
  });

  it('never favours the bot: a round trip at an unchanged price always loses', () => {
    for (const ref of ['0.00000001', '1', '0.1', '27123.45678901']) {
      const qty = A('1.23456789');
      const buy = paperFill({ side: 'buy', refPrice: A(ref), qty, feeBps: 0, slippageBps: 0 });
      const sell = paperFill({ side: 'sell', refPrice: A(ref), qty, feeBps: 0, slippageBps: 0 });
      expect(cashDelta('buy', buy) + cashDelta('sell', sell)).toBeLessThanOrEqual(0n);
    }
  });

  it('with zero fee and slippage fills at the reference price', () => {
    expect(paperFill({ side: 'buy', refPrice: A('100'), qty: A('2'), feeBps: 0, slippageBps: 0 })).toEqual({
      price: A('100'),
      qty: A('2'),
      notional: A('200'),
      fee: 0n,
    });
  });

  it('rejects impossible inputs', () => {
    expect(() => paperFill({ side: 'buy', refPrice: A('100'), qty: 0n, feeBps: 10, slippageBps: 5 })).toThrow(InvariantError);
    expect(() => paperFill({ side: 'buy', refPrice: 0n, qty: 1n, feeBps: 10, slippageBps: 5 })).toThrow(InvariantError);
    expect(() => paperFill({ side: 'sell', refPrice: A('1'), qty: 1n, feeBps: 10, slippageBps: 10_000 })).toThrow(InvariantError);
  });
});
