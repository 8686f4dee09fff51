import { describe, expect, it } from 'vitest';
import { toDecimalString as S } from '../money.ts';
import { A, T0, testBook, testCtx, testPosition, testSignal, testRules } from '../testing/builders.ts';
import { applyFill } from './applyFill.ts';
import { InvariantError } from './invariantError.ts';
import { paperFill } from './paperFill.ts';

const ctx = testCtx();
const fees = { feeBps: 10, slippageBps: 5 };

describe('applyFill', () => {
  // Expected figures computed independently (Python Decimal, same rounding directions).
  const buy = testSignal({ side: 'buy', refPrice: '27123.45', atr: '35.2' });
  const buyFill = paperFill({ side: 'buy', refPrice: buy.refPrice, qty: A('0.123'), ...fees });
  const opened = applyFill(testBook(), buy, buyFill, ctx);

  it('opens a position with stops from the fill price and the signal ATR', () => {
    expect(opened.position).toEqual({
      symbol: 'BTC/USDT',
      qty: A('0.123'),
      entryPrice: A('27137.011725'),
      entryTime: T0,
      checkedUntil: T0,
      costBasis: A('3341.19029463'),
      stopLoss: A('27066.611725'),
      takeProfit: A('27277.811725'),
      trailingStop: null,
      highWater: A('27137.011725'),
      openTradeId: buy.id,
      lastPrice: A('27123.45'),
    });
    expect(opened.book.positions['BTC/USDT']).toEqual(opened.position);
    expect(S(opened.book.wallet.cash)).toBe('6658.80970537');
    expect(opened.book.wallet.feesPaid).toBe(A('3.33785245'));
    // marks are the account step's: a fill moves the ledger only
    expect(opened.book.wallet.equity).toBe(testBook().wallet.equity);
    expect(opened.trade).toEqual({
      id: buy.id,
      seq: 1,
      signalId: buy.id,
      symbol: 'BTC/USDT',
      side: 'buy',
      reason: 'regime_entry',
      qty: A('0.123'),
      price: A('27137.011725'),
      fee: A('3.33785245'),
      cashDelta: A('-3341.19029463'),
      qtyDelta: A('0.123'),
      realizedPnl: 0n,
      time: T0,
    });
  });

  it('closes with realized PnL net of both fees, exact to the unit', () => {
    const sell = testSignal({ side: 'sell', reason: 'take_profit', refPrice: '28001.99' });
    const fill = paperFill({ side: 'sell', refPrice: sell.refPrice, qty: A('0.123'), ...fees });
    expect([S(fill.price), S(fill.notional), S(fill.fee)]).toEqual(['27987.98900500', '3442.52264761', '3.44252265']);
    const closed = applyFill(opened.book, sell, fill, ctx);
    expect(closed.position).toBeNull();
    expect(closed.book.positions).toEqual({});
    expect(S(closed.trade.realizedPnl)).toBe('97.88983033');
    expect(S(closed.trade.cashDelta)).toBe('3439.08012496');
    expect(closed.trade.qtyDelta).toBe(A('-0.123'));
    expect(closed.trade.seq).toBe(2);
    expect(closed.book.wallet).toMatchObject({
      tradeSeq: 2,
      cash: A('10097.88983033'),
      realizedPnl: A('97.88983033'),
      feesPaid: A('6.7803751'),
    });
    expect(closed.book.wallet.cash - closed.book.wallet.initialCash).toBe(closed.trade.realizedPnl);
  });

  it('never lets cash go negative: throws instead of booking', () => {
    const tooBig = paperFill({ side: 'buy', refPrice: A('27000'), qty: A('1'), ...fees });
    expect(() => applyFill(testBook(), testSignal(), tooBig, ctx)).toThrow(InvariantError);
  });

  it('refuses to double-open, to sell what is not held, or to sell part of a position', () => {
    const held = testBook({ positions: { 'BTC/USDT': testPosition() } });
    const small = paperFill({ side: 'buy', refPrice: A('27000'), qty: A('0.01'), ...fees });
    expect(() => applyFill(held, testSignal(), small, ctx)).toThrow(/already open/);
    const sell = testSignal({ side: 'sell' });
    expect(() => applyFill(testBook(), sell, paperFill({ side: 'sell', refPrice: A('27000'), qty: A('0.1'), ...fees }), ctx)).toThrow(
      /no open/,
    );
    expect(() => applyFill(held, sell, paperFill({ side: 'sell', refPrice: A('27000'), qty: A('0.05'), ...fees }), ctx)).toThrow(
      /whole position/,
    );
  });

  describe('dust policy: a closing sell may leave less than one amount step unsold', () => {
    const held = testBook({ positions: { 'BTC/USDT': testPosition({ qty: A('0.01232766'), costBasis: A('341.19') }) } });
    const sell = testSignal({ side: 'sell', refPrice: '27653', qty: '0.01232766' });
    const sold = (dust: string) => ({
      ...paperFill({ side: 'sell', refPrice: A('27653'), qty: A('0.01232766') - A(dust), ...fees }),
      dust: A(dust),
    });

    it('writes the dust off with the closing trade: position closed, qtyDelta the whole holding, its cost in the PnL', () => {
      const fill = sold('0.00000766');
      const closed = applyFill(held, sell, fill, ctx);
      expect(closed.book.positions).toEqual({});
      expect(closed.trade).toMatchObject({ qty: A('0.01232'), dust: A('0.00000766'), qtyDelta: A('-0.01232766') });
      expect(closed.trade.realizedPnl).toBe(fill.notional - fill.fee - A('341.19'));
    });

    it('refuses one amount step or more (a partial sell is not dust), dust on a buy, and negative dust', () => {
      expect(() => applyFill(held, sell, sold('0.00001'), ctx)).toThrow(/not dust/);
      expect(() => applyFill(held, sell, sold('0.00000766'), testCtx({ rules: testRules('0.000001', '5') }))).toThrow(/not dust/);
      expect(() => applyFill(testBook(), buy, { ...buyFill, dust: A('0.00000001') }, ctx)).toThrow(/only a closing sell/);
      expect(() => applyFill(held, sell, { ...sold('0'), dust: A('-0.00000001') }, ctx)).toThrow(/malformed/);
    });

    it('without dust a sell must still match the holding exactly', () => {
      expect(applyFill(held, sell, sold('0'), ctx).trade).not.toHaveProperty('dust');
      expect(() => applyFill(held, sell, { ...sold('0.00000766'), dust: A('0.00000001') }, ctx)).toThrow(/whole position/);
    });
  });

  it('does not mutate its input book', () => {
    const book = testBook();
    const before = structuredClone(book);
    applyFill(book, buy, buyFill, ctx);
    expect(book).toEqual(before);
  });
});
