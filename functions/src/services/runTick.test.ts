import { describe, expect, it } from 'vitest';
import { computeIndicators } from '../domain/indicators/index.ts';
import { loadBundledCandles } from '../adapters/replay/ReplayMarketData.ts';
import { toAmount as A } from '../domain/money.ts';
import type { Position } from '../domain/trading.types.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { runTick } from './runTick.ts';
import { asMessage, memoryDeps, testConfigDoc } from '../wiring/memory.ts';

const M = 60_000;
const T = Date.parse('2023-03-21T14:00:30Z');

describe('runTick on the in-memory fakes', () => {
  it('values and protects a position in a symbol removed from config/bot (no false kill switch)', async () => {
    const { db, tick, bus } = memoryDeps();
    db.config = testConfigDoc({
      symbols: ['BTC/USDT'],
      strategy: { name: 'buy_and_hold', params: {} },
      risk: { trailingActivationAtrMult: 1000 },
    });
    // Bought 0.5 ETH earlier; the config no longer lists ETH.
    const eth = loadBundledCandles('ETH/USDT', '1m').find((c) => c.t === T - 30_000 - 120 * M)!;
    const p: Position = {
      symbol: 'ETH/USDT',
      qty: A('0.5'),
      entryPrice: A(eth.c),
      entryTime: eth.t + M,
      checkedUntil: eth.t + M,
      costBasis: A(eth.c) / 2n,
      stopLoss: A('1'),
      takeProfit: A('100000'),
      trailingStop: null,
      highWater: A(eth.c),
      openTradeId: 'eth-open',
      lastPrice: A(eth.c),
    };
    db.ledger = {
      initialCash: A('10000'),
      cash: A('10000') - p.costBasis,
      realizedPnl: 0n,
      feesPaid: 0n,
      tradeSeq: 1,
      positions: { 'ETH/USDT': p },
    };
    const report = await runTick(tick, { tickId: 't1', now: T });
    expect(report.symbols.map((s) => s.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(report.mode).toBe('NORMAL');
    expect(report.symbols.find((s) => s.symbol === 'ETH/USDT')!.signals).toEqual([]);
    const equity = db.status!.account!.equity;
    expect(equity).toBeGreaterThan(A('9500')); // valued at its price, not at zero (−25 % would read 7 500 and kill)
    expect([...db.alerts.values()].filter((a) => a.kind === 'kill_switch')).toEqual([]);

    // ...and its stops are still watched: a stop above the market exits on the next candle.
    db.ledger.positions['ETH/USDT'] = { ...p, stopLoss: A('100000') };
    const next = await runTick(tick, { tickId: 't2', now: T + M });
    const exits = bus.published;
    expect(exits.filter((s) => s.symbol === 'ETH/USDT').map((s) => [s.symbol, s.side, s.reason])).toEqual([
      ['ETH/USDT', 'sell', 'stop_loss'],
    ]);
    expect(next.symbols.find((s) => s.symbol === 'ETH/USDT')!.signals).toHaveLength(1);
  });

  it('stores beside each decision candle what the symbol step read from it (EMA50, EMA200, regime): one per candle walked', async () => {
    const { db, tick } = memoryDeps({ SYMBOLS: 'BTC/USDT', HISTORY_CANDLES: '300' });
    await runTick(tick, { tickId: 't1', now: T });
    const first = await tick.candles.readings('BTC/USDT', '1m', 0, T);
    // the first tick walks the whole window it loaded
    expect(first).toHaveLength(300);
    expect(first.map((r) => r.t)).toEqual((await tick.candles.read('BTC/USDT', '1m', 0, T)).map((c) => c.t));
    const market = db.status!.markets['BTC-USDT']!;
    expect(first.at(-1)).toEqual({ t: market.lastCandleAt, ema50: market.ema50, ema200: market.ema200, regime: market.regime });
    // the same EMAs the indicators compute over those candles in one pass
    const batch = computeIndicators(await tick.candles.read('BTC/USDT', '1m', 0, T));
    expect(first.map((r) => [r.ema50, r.ema200])).toEqual(batch.map((s) => [s.ema50, s.ema200]));
    expect(first.filter((r) => r.ema200 !== null).length).toBeGreaterThan(0);
    // a catch-up tick stores one reading per candle it walks, and no more
    await runTick(tick, { tickId: 't2', now: T + 3 * M });
    const after = await tick.candles.readings('BTC/USDT', '1m', 0, T + 3 * M);
    expect(after.slice(0, 300)).toEqual(first);
    expect(after.map((r) => r.t).slice(300)).toEqual([T - 30_000, T - 30_000 + M, T - 30_000 + 2 * M]);
    expect(after.at(-1)).toMatchObject({ t: db.status!.markets['BTC-USDT']!.lastCandleAt, ema200: db.status!.markets['BTC-USDT']!.ema200 });
  });

  it('never re-emits an order that has not settled; picks the position up once it has', async () => {
    const { db, tick, execute, bus, clock } = memoryDeps({ SYMBOLS: 'BTC/USDT' });
    db.config = testConfigDoc({ strategy: { name: 'buy_and_hold', params: {} } });
    const first = await runTick(tick, { tickId: 't1', now: T });
    expect(first.published).toHaveLength(1);
    // executeOrder has not run yet: the next tick must not buy again
    const second = await runTick(tick, { tickId: 't2', now: T + M });
    expect(second.published).toEqual([]);
    expect(second.pending).toEqual(['BTC/USDT']);
    const signal = bus.published[0]!;
    clock.t = T + M; // delivered after the next tick: one timeframe of grace
    expect(await executeSignalMessage(execute, asMessage(signal))).toMatchObject({ status: 'filled' });
    const third = await runTick(tick, { tickId: 't3', now: T + 2 * M });
    expect(third.pending).toEqual([]);
    expect(third.published).toEqual([]);
    // the tick now owns the position's levels: checked until the newest candle's close, never behind the fill
    expect(db.engine.get('BTC/USDT')!.guard).toMatchObject({ tradeId: signal.id, checkedUntil: T + 2 * M - 30_000, checkedAt: T + 2 * M });
    expect(db.trades.size).toBe(1);
  });

  it('gives up on an order that never settles, with an alert, and decides again', async () => {
    const { db, tick } = memoryDeps({ SYMBOLS: 'BTC/USDT' });
    db.config = testConfigDoc({ strategy: { name: 'buy_and_hold', params: {} } });
    await runTick(tick, { tickId: 't1', now: T });
    const late = await runTick(tick, { tickId: 't2', now: T + 61 * M });
    expect(late.pending).toEqual([]);
    expect(late.published).toHaveLength(1); // a new decision on a new candle, with a new id
    expect([...db.alerts.values()].map((a) => a.id)).toEqual([expect.stringMatching(/^pending_expired_BTC-USDT_/)]);
  });

  it('a fill that lands between reading the book and looking up the order is not decided on again (the 600× race)', async () => {
    const { db, store, tick, execute, bus, clock } = memoryDeps({ SYMBOLS: 'BTC/USDT' });
    db.config = testConfigDoc({ strategy: { name: 'buy_and_hold', params: {} } });
    await runTick(tick, { tickId: 't1', now: T });
    const signal = bus.published[0]!;
    clock.t = T + M;
    // executeOrder commits right after the next tick has read the book
    const load = store.loadTick.bind(store);
    store.loadTick = async (...args) => {
      const snap = await load(...args);
      await executeSignalMessage(execute, asMessage(signal));
      return snap;
    };
    const second = await runTick(tick, { tickId: 't2', now: T + M });
    expect(second.published).toEqual([]); // before the fix: a second buy, rejected position_open
    store.loadTick = load;
    const third = await runTick(tick, { tickId: 't3', now: T + 2 * M });
    expect([third.published, third.pending]).toEqual([[], []]);
    expect(db.engine.get('BTC/USDT')!.state.pending).toBeNull();
    expect([...db.orders.values()].map((o) => o.outcome.status)).toEqual(['filled']);
  });
});

describe('runTick: a 4h position is protected every minute on 1m guard candles', () => {
  it('stops within one minute of the 1m candle that crossed the stop, priced at its close, and executeOrder fills it', async () => {
    const H4 = 4 * 60 * M;
    const { db, tick, execute, bus } = memoryDeps({ SYMBOLS: 'BTC/USDT', TIMEFRAME: '4h' });
    db.config = testConfigDoc({
      timeframe: '4h',
      strategy: { name: 'buy_and_hold', params: {} },
      risk: { trailingActivationAtrMult: 1000 },
    });
    const open = Date.parse('2023-04-10T12:00:00Z');
    const entry = await runTick(tick, { tickId: 'entry', now: open + 30_000 });
    expect(entry.published).toHaveLength(1);
    expect(await executeSignalMessage(execute, asMessage(bus.published[0]!))).toMatchObject({ status: 'filled' });
    // A stop 0.3 % under the entry: find the first 1m candle after the entry whose low reaches it.
    const p = db.ledger!.positions['BTC/USDT']!;
    const stop = (p.entryPrice * 997n) / 1000n;
    db.ledger!.positions['BTC/USDT'] = { ...p, stopLoss: stop };
    const minutes = loadBundledCandles('BTC/USDT', '1m').filter((c) => c.t >= p.entryTime && c.t < p.entryTime + H4);
    const crossing = minutes.find((c) => A(c.l) <= stop);
    expect(crossing, 'the window must hold a crossing between two 4h closes').toBeDefined();
    expect(crossing!.t + M).toBeLessThan(p.entryTime + H4);

    // The Scheduler's ticks, one a minute: nothing is sold before the crossing candle has closed.
    let exit = null;
    let now = p.entryTime + 30_000;
    for (; now < crossing!.t + 3 * M && !exit; now += M) {
      const r = await runTick(tick, { tickId: `m${now}`, now });
      expect(r.symbols[0]!.protectedOn).toBe('1m');
      exit = bus.published.find((s) => s.side === 'sell') ?? null;
      if (!exit) expect(now).toBeLessThan(crossing!.t + M);
    }
    expect(exit).toMatchObject({ reason: 'stop_loss', timeframe: '1m', candleTime: crossing!.t, refPrice: A(crossing!.c) });
    // the tick that sold ran within a minute of that candle's close
    expect(now - M - (crossing!.t + M)).toBeLessThan(M);
    const filled = await executeSignalMessage(execute, asMessage(exit!));
    expect(filled).toMatchObject({ status: 'filled' });
    expect(db.ledger!.positions['BTC/USDT']).toBeUndefined();
  });

  it('a candle write that fails: status is still saved, the signal waits, and the next tick stores the candles and publishes', async () => {
    const { db, tick, bus } = memoryDeps({ SYMBOLS: 'BTC/USDT' });
    db.config = testConfigDoc({ strategy: { name: 'buy_and_hold', params: {} } });
    const upsert = tick.candles.upsert.bind(tick.candles);
    tick.candles.upsert = async () => {
      throw new Error('candle store unavailable');
    };
    const first = await runTick(tick, { tickId: 't1', now: T });
    expect(first.published).toEqual([]);
    expect(bus.published).toEqual([]);
    expect(db.status!.lastTickId).toBe('t1');
    expect(db.engine.get('BTC/USDT')!.state.pending).toBeNull();
    expect(await tick.candles.read('BTC/USDT', '1m', T - 10 * M, T)).toEqual([]);

    tick.candles.upsert = upsert;
    const second = await runTick(tick, { tickId: 't2', now: T + M });
    expect(second.published).toHaveLength(1);
    // the first tick's candles were fetched again (never cached unstored) and stored with the new one
    const stored = await tick.candles.read('BTC/USDT', '1m', T - 10 * M, T + M);
    expect(stored.map((c) => c.t)).toEqual(Array.from({ length: 10 }, (_, i) => T + 30_000 - 10 * M + i * M));
  });
});
