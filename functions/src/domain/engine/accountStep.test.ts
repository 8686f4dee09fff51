import { describe, expect, it } from 'vitest';
import { nextUtcDayStart } from '../risk/limits.ts';
import { A, riskParams, T0, testBook, testPosition, testWallet, testRules } from '../testing/builders.ts';
import { accountStep, type AccountStepInput } from './accountStep.ts';
import type { SignalIntent } from './symbolStep.ts';

const rules = testRules('0.00001', '5');
const params = { risk: riskParams(), feeBps: 10, slippageBps: 5, rulesFor: () => rules };
const buy = (symbol: string, price = '100'): SignalIntent => ({
  strategyVersion: 'test@1',
  symbol,
  timeframe: '1h',
  candleTime: T0 - 3_600_000,
  side: 'buy',
  reason: 'regime_entry',
  refPrice: A(price),
  atr: A('1'),
  qty: null,
});
const run = (over: Partial<AccountStepInput>) =>
  accountStep({ book: testBook(), intents: [], closes: {}, pending: new Map(), now: T0, params, ...over });

describe('accountStep', () => {
  it('values a held position in a symbol that is no longer configured, instead of zero (no false kill switch)', () => {
    // 0.1 DOGE-like position bought at 27 000; the tick fetched its candle although config/bot dropped the symbol
    const held = testPosition({ symbol: 'DOGE/USDT', openTradeId: 'doge' });
    const book = testBook({ wallet: testWallet({ cash: A('7297.3') }), positions: { 'DOGE/USDT': held } });
    const r = run({ book, closes: { 'DOGE/USDT': { price: A('27100'), candleTime: T0 - 3_600_000, timeframe: '1h' as const } } });
    expect(r.book.wallet.equity).toBe(A('10007.3'));
    expect(r.modeChange).toBeNull();
    expect(r.book.mode).toBe('NORMAL');
  });

  it('sizes entries one after another from the book it read, reserving cash so any fill order fits', () => {
    const poor = testBook({ wallet: testWallet({ cash: A('3000'), equity: A('3000'), peakEquity: A('3000'), dayStartEquity: A('3000') }) });
    const r = run({ book: poor, intents: [buy('BTC/USDT'), buy('ETH/USDT'), buy('SOL/USDT')] });
    const cost = r.signals.reduce((s, x) => s + (x.qty * x.refPrice) / 100_000_000n, 0n);
    expect(cost).toBeLessThanOrEqual(A('3000'));
    // 1 % risk over a 2-ATR stop wants 15 units; 25 % exposure caps each at 750 / 100.05 = 7.49625. Three of
    // those would cost ~2 253 — all fit; a fourth would not, so cash reservation must bite on it.
    expect(r.signals.map((s) => [s.symbol, s.qty])).toEqual([
      ['BTC/USDT', A('7.49625')],
      ['ETH/USDT', A('7.49625')],
      ['SOL/USDT', A('7.49625')],
    ]);
    const crowded = run({
      book: poor,
      intents: ['A', 'B', 'C', 'D'].map((x) => buy(`${x}XX/USDT`)),
      params: { ...params, risk: riskParams({ maxOpenPositions: 10 }) },
    });
    expect(crowded.signals.map((s) => s.qty)).toEqual([A('7.49625'), A('7.49625'), A('7.49625'), expect.any(BigInt)]);
    expect(crowded.signals[3]!.qty).toBeLessThan(A('7.49625'));
    expect(crowded.signals.reduce((s, x) => s + (x.qty * x.refPrice) / 100_000_000n, 0n)).toBeLessThanOrEqual(A('3000'));
  });

  it("applies a strategy's size hook within the risk caps: it shrinks the risk size, never grows it, and 0 refuses", () => {
    const rich = run({ intents: [buy('BTC/USDT')] }).signals[0]!.qty;
    const half = run({ intents: [{ ...buy('BTC/USDT'), sizeBps: 5_000 }] }).signals[0]!.qty;
    expect(half).toBeLessThanOrEqual(rich / 2n);
    expect(half).toBeGreaterThan(rich / 2n - A('0.00001'));
    expect(run({ intents: [{ ...buy('BTC/USDT'), sizeBps: 10_000 }] }).signals[0]!.qty).toBe(rich);
    const none = run({ intents: [{ ...buy('BTC/USDT'), sizeBps: 0 }] });
    expect(none.signals).toEqual([]);
    expect(none.skipped).toHaveLength(1);
  });

  it('counts open positions and pending buys against maxOpenPositions', () => {
    const book = testBook({ positions: { 'BTC/USDT': testPosition() } });
    const r = run({ book, intents: [buy('ETH/USDT'), buy('SOL/USDT')], pending: new Map([['XRP/USDT', 'buy' as const]]) });
    // 1 open + 1 pending + ETH = 3 = maxOpenPositions: SOL must wait
    expect(r.signals.map((s) => s.symbol)).toEqual(['ETH/USDT']);
    expect(r.skipped.map((s) => [s.intent.symbol, s.reason])).toEqual([['SOL/USDT', 'max_open_positions']]);
  });

  it('pauses entries for the rest of the UTC day on a daily loss, with one alert', () => {
    const book = testBook({ wallet: testWallet({ cash: A('9600'), equity: A('9600') }) });
    const r = run({ book, intents: [buy('ETH/USDT')] });
    expect(r.book.entriesPausedUntil).toBe(nextUtcDayStart(T0));
    expect(r.signals).toEqual([]);
    expect(r.alerts).toEqual([expect.objectContaining({ kind: 'daily_loss' })]);
    // the next step, still paused: no second alert; at midnight the pause lifts
    expect(run({ book: r.book, intents: [buy('ETH/USDT')], now: T0 + 60_000 }).alerts).toEqual([]);
    expect(
      run({ book: { ...r.book, wallet: { ...r.book.wallet, dayStartEquity: A('9600') } }, now: nextUtcDayStart(T0) }).book
        .entriesPausedUntil,
    ).toBeNull();
  });

  it('on the kill switch: KILLED, a critical alert, one liquidation per held symbol with a new candle and no order in flight', () => {
    const positions = {
      'BTC/USDT': testPosition(),
      'ETH/USDT': testPosition({ symbol: 'ETH/USDT', openTradeId: 'eth', qty: A('2') }),
      'SOL/USDT': testPosition({ symbol: 'SOL/USDT', openTradeId: 'sol' }),
    };
    const book = testBook({ wallet: testWallet({ cash: A('100'), peakEquity: A('20000') }), positions });
    const closes = {
      'BTC/USDT': { price: A('20000'), candleTime: T0 - 3_600_000, timeframe: '1h' as const },
      'ETH/USDT': { price: A('1500'), candleTime: T0 - 7_200_000, timeframe: '1h' as const },
    };
    const r = run({ book, closes, intents: [buy('XRP/USDT')], pending: new Map([['ETH/USDT', 'sell' as const]]) });
    expect(r.book.mode).toBe('KILLED');
    expect(r.alerts).toEqual([expect.objectContaining({ kind: 'kill_switch', severity: 'critical' })]);
    expect(r.signals.map((s) => [s.symbol, s.reason, s.candleTime, s.qty])).toEqual([
      ['BTC/USDT', 'kill_switch', T0 - 3_600_000, A('0.1')],
    ]);
    expect(r.publish).toEqual(r.signals);
  });

  it('records but does not publish in OBSERVATION; publishes only exits when PAUSED', () => {
    const exit: SignalIntent = { ...buy('BTC/USDT'), side: 'sell', reason: 'regime_exit', qty: A('0.1') };
    const held = { 'BTC/USDT': testPosition() };
    const observed = run({ book: testBook({ mode: 'OBSERVATION' }), intents: [buy('ETH/USDT')] });
    expect([observed.signals.length, observed.publish.length]).toEqual([1, 0]);
    const paused = run({ book: testBook({ mode: 'PAUSED', positions: held }), intents: [exit, buy('ETH/USDT')] });
    expect(paused.publish.map((s) => s.side)).toEqual(['sell']);
  });
});
