import { describe, expect, it } from 'vitest';
import { A, riskParams, T0, testPosition, testWallet } from '../testing/builders.ts';
import { findLedgerDiscrepancies } from '../portfolio/ledger.ts';
import type { Position, Trade } from '../trading.types.ts';
import { compareWithLedger, planAdjustment, ReconcileError, type AssetBalance, type LookedUpOrder, type ReconcileInput } from './index.ts';

const STEP = A('0.00001');
const held = testPosition({ qty: A('0.1'), lastPrice: A('27000') });
const bal = (free: string, locked = '0'): AssetBalance => ({ free: A(free), locked: A(locked) });
/** the exchange as the ledger says it should be: 10000 − 2702.7 cash, 0.1 BTC, nothing else */
const matching = { USDT: bal('7297.3'), BTC: bal('0.1') };
const input = (over: Partial<ReconcileInput> = {}): ReconcileInput => ({
  wallet: testWallet({ cash: A('7297.3') }),
  positions: { 'BTC/USDT': held },
  symbols: ['BTC/USDT', 'ETH/USDT'],
  rules: () => ({ amountStep: STEP, minAmount: STEP, minNotional: A('5'), priceTick: A('0.01') }),
  cashTolerance: A('1'),
  balances: matching,
  openOrders: [],
  inFlight: [],
  ...over,
});
const causes = (i: ReconcileInput) => compareWithLedger(i).differences.map((d) => [d.kind === 'balance' ? d.asset : d.orderId, d.cause]);

describe('compareWithLedger', () => {
  it('is clean when the exchange matches the ledger, within tolerance and below one amount step', () => {
    const r = compareWithLedger(input({ balances: { USDT: bal('7297.9', '0.3'), BTC: bal('0.10000999'), BNB: bal('3') } }));
    expect(r).toMatchObject({ clean: true, quote: 'USDT', differences: [], deferred: [] });
    expect(r.rows.map((x) => [x.asset, x.status])).toEqual([
      ['USDT', 'ok'],
      ['BTC', 'ok'],
      ['ETH', 'ok'],
    ]);
    expect(r.rows[0]).toMatchObject({ free: A('7297.9'), locked: A('0.3'), exchange: A('7298.2'), delta: A('0.9') });
  });

  it('a manual sell: the base is gone and the quote rose', () => {
    const i = input({ balances: { USDT: bal('10000'), BTC: bal('0') } });
    expect(causes(i)).toEqual([
      ['BTC', 'manual_sell'],
      ['USDT', 'manual_sell'],
    ]);
    const btc = compareWithLedger(i).differences[0]!;
    expect(btc).toMatchObject({ ledger: A('0.1'), exchange: 0n, delta: A('-0.1') });
    expect(btc.explanation).toContain('sold outside the bot');
  });

  it('an unbooked fill: a base the ledger does not hold, and less quote', () => {
    expect(causes(input({ balances: { ...matching, ETH: bal('1.5'), USDT: bal('4297.3') } }))).toEqual([
      ['ETH', 'unbooked_fill'],
      ['USDT', 'unbooked_fill'],
    ]);
  });

  it('a deposit and a withdrawal: one asset moves alone', () => {
    expect(causes(input({ balances: { ...matching, USDT: bal('8297.3') } }))).toEqual([['USDT', 'deposit']]);
    expect(causes(input({ balances: { ...matching, USDT: bal('5297.3') } }))).toEqual([['USDT', 'withdrawal']]);
    expect(causes(input({ balances: { ...matching, BTC: bal('0.05') } }))).toEqual([['BTC', 'withdrawal']]);
    expect(causes(input({ balances: { ...matching, ETH: bal('2') } }))).toEqual([['ETH', 'deposit']]);
  });

  const order = (over: Partial<LookedUpOrder['order']> = {}, known: LookedUpOrder['known'] = null): LookedUpOrder => ({
    order: {
      id: '9001',
      clientOrderId: 'web_abc',
      symbol: 'BTC/USDT',
      side: 'sell',
      amount: A('0.1'),
      filled: 0n,
      status: 'open',
      ...over,
    },
    known,
  });

  it('an unknown open order is reported from its lookup, never guessed; its locked funds are still the balance', () => {
    const r = compareWithLedger(input({ balances: { USDT: bal('7297.3'), BTC: bal('0', '0.1') }, openOrders: [order()] }));
    expect(r.differences).toEqual([
      expect.objectContaining({ kind: 'open_order', orderId: '9001', clientOrderId: 'web_abc', cause: 'unknown_open_order' }),
    ]);
    expect(r.differences[0]!.explanation).toContain('not placed by the bot');
    expect(causes(input({ openOrders: [order({}, 'booked')] }))).toEqual([['9001', 'booked_order_still_open']]);
  });

  it('a bot order in flight defers its market and the cash; other markets are still judged', () => {
    const i = input({
      balances: { USDT: bal('10000'), BTC: bal('0'), ETH: bal('1') },
      openOrders: [order({ clientOrderId: 'a'.repeat(32) }, 'in_flight')],
    });
    const r = compareWithLedger(i);
    expect(r.deferred).toEqual(['BTC/USDT']);
    expect(r.rows.map((x) => [x.asset, x.status])).toEqual([
      ['USDT', 'deferred'],
      ['BTC', 'deferred'],
      ['ETH', 'drift'],
    ]);
    expect(causes(i)).toEqual([['ETH', 'deposit']]);
    expect(compareWithLedger(input({ inFlight: ['BTC/USDT'], balances: { USDT: bal('10000'), BTC: bal('0') } })).clean).toBe(true);
  });

  it('refuses markets with more than one quote currency', () => {
    expect(() => compareWithLedger(input({ symbols: ['BTC/USDT', 'ETH/BTC'] }))).toThrow(ReconcileError);
  });
});

describe('planAdjustment', () => {
  const marks = (symbol: string) => (symbol === 'ETH/USDT' ? { price: A('2000'), atr: A('40') } : null);
  const book = { wallet: testWallet({ cash: A('7297.3'), feesPaid: A('2.7'), tradeSeq: 1 }), positions: { 'BTC/USDT': held } };
  const opening: Trade = {
    id: 'open-btc',
    seq: 1,
    signalId: 'open-btc',
    symbol: 'BTC/USDT',
    side: 'buy',
    reason: 'regime_entry',
    qty: A('0.1'),
    price: A('27000'),
    fee: A('2.7'),
    cashDelta: A('-2702.7'),
    qtyDelta: A('0.1'),
    realizedPnl: 0n,
    time: T0 - 3_600_000,
  };
  const plan = (balances: Record<string, AssetBalance>, b: typeof book = book) => {
    const report = compareWithLedger(input({ wallet: b.wallet, positions: b.positions, balances }));
    return planAdjustment({
      book: b,
      report,
      rules: () => ({ amountStep: STEP, minAmount: STEP, minNotional: A('5'), priceTick: A('0.01') }),
      marks,
      risk: riskParams(),
      note: 'sold by hand',
      by: 'cli:op',
      now: T0,
    });
  };
  const audit = (wallet: typeof book.wallet, positions: Readonly<Record<string, Position>>, entries: readonly Trade[]) =>
    findLedgerDiscrepancies(wallet, positions, [opening, ...entries]);

  it('a manual sell closes the position and books the proceeds; the ledger then replays exactly and compares clean', () => {
    const adj = plan({ USDT: bal('9990'), BTC: bal('0.000004') })!;
    expect(adj.entries.map((e) => [e.symbol, e.side, e.qtyDelta, e.cashDelta, e.adjustment?.cause])).toEqual([
      ['USDT', 'buy', 0n, A('2692.7'), 'manual_sell'],
      ['BTC/USDT', 'sell', A('-0.1'), 0n, 'manual_sell'],
    ]);
    expect(adj.entries[0]!.adjustment).toEqual({
      cause: 'manual_sell',
      asset: 'USDT',
      exchange: A('9990'),
      ledger: A('7297.3'),
      note: 'sold by hand',
      by: 'cli:op',
    });
    expect(adj.positions).toEqual({});
    expect(adj.wallet).toMatchObject({ cash: A('9990'), tradeSeq: 3 });
    expect(adj.marksShift).toBe(A('2692.7') - A('2700'));
    expect(audit(adj.wallet, adj.positions, adj.entries)).toEqual([]);
    const after = compareWithLedger(
      input({ wallet: adj.wallet, positions: adj.positions, balances: { USDT: bal('9990'), BTC: bal('0.000004') } }),
    );
    expect(after.clean).toBe(true);
  });

  it('an unbooked fill adopts the holding as a protected position (stops from the market ATR)', () => {
    const adj = plan({ ...matching, USDT: bal('4297.3'), ETH: bal('1.5') })!;
    const eth = adj.positions['ETH/USDT']!;
    expect(eth).toMatchObject({
      qty: A('1.5'),
      entryPrice: A('2000'),
      stopLoss: A('1920'),
      takeProfit: A('2160'),
      openTradeId: adj.entries[1]!.id,
      checkedUntil: T0,
    });
    expect(audit(adj.wallet, adj.positions, adj.entries)).toEqual([]);
  });

  it('a deposit moves cash only; adding to a held position keeps its opening trade', () => {
    const dep = plan({ ...matching, USDT: bal('8297.3') })!;
    expect(dep.entries).toHaveLength(1);
    expect(dep.marksShift).toBe(A('1000'));
    const more = plan({ ...matching, BTC: bal('0.15') })!;
    expect(more.positions['BTC/USDT']).toMatchObject({ qty: A('0.15'), openTradeId: 'open-btc' });
    expect(audit(more.wallet, more.positions, more.entries)).toEqual([]);
  });

  it('books nothing when clean, and refuses to adopt a holding it cannot protect', () => {
    expect(plan(matching)).toBeNull();
    const report = compareWithLedger(input({ balances: { ...matching, XRP: bal('100') }, symbols: ['BTC/USDT', 'XRP/USDT'] }));
    expect(() =>
      planAdjustment({
        book,
        report,
        rules: () => ({ amountStep: STEP, minAmount: STEP, minNotional: A('5'), priceTick: A('0.01') }),
        marks: () => null,
        risk: riskParams(),
        note: 'x',
        by: 'y',
        now: T0,
      }),
    ).toThrow(/no market price/);
  });

  it('the audit refuses an adjustment without evidence or with a fee', () => {
    const adj = plan({ ...matching, USDT: bal('8297.3') })!;
    const { adjustment: _evidence, ...bare } = adj.entries[0]!;
    expect(audit(adj.wallet, adj.positions, [bare])).toEqual([expect.objectContaining({ kind: 'trade_inconsistent' })]);
    const withFee = { ...adj.entries[0]!, fee: 1n };
    expect(
      findLedgerDiscrepancies({ ...adj.wallet, feesPaid: 1n }, adj.positions, [opening, withFee]).some(
        (d) => d.kind === 'trade_inconsistent',
      ),
    ).toBe(true);
  });
});
