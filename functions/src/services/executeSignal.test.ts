import { describe, expect, it } from 'vitest';
import { loadBundledCandles, loadBundledSeries } from '../adapters/replay/ReplayMarketData.ts';
import type { Candle } from '../domain/candle.ts';
import { slippedPrice } from '../domain/portfolio/paperFill.ts';
import { toAmount as A } from '../domain/money.ts';
import { createSignal } from '../domain/signal.ts';
import type { Signal } from '../domain/trading.types.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { asMessage, memoryDeps } from '../wiring/memory.ts';

const T = Date.parse('2023-03-20T12:00:00Z');
const candle = loadBundledCandles('BTC/USDT', '1m').find((c) => c.t === T)!;
const buy = (over: Partial<{ price: string; qty: string; symbol: string }> = {}): Signal =>
  createSignal(
    {
      strategyVersion: 't@1',
      symbol: over.symbol ?? 'BTC/USDT',
      timeframe: '1m',
      candleTime: T,
      side: 'buy',
      reason: 'regime_entry',
      refPrice: A(over.price ?? String(candle.c)),
      atr: A('30'),
      qty: A(over.qty ?? '0.05'),
    },
    T + 60_000,
  );

async function setup() {
  const d = memoryDeps({ SYMBOLS: 'BTC/USDT,ETH/USDT' });
  await d.execute.candles.upsert('BTC/USDT', '1m', [candle]);
  d.clock.t = T + 90_000; // delivered 30 s after its candle closed
  return d;
}

describe('executeSignalMessage on the in-memory fakes', () => {
  it('fills at the candle close moved by slippage, the quantity the tick sized; a redelivery changes nothing', async () => {
    const { db, execute } = await setup();
    const s = buy();
    expect(await executeSignalMessage(execute, asMessage(s))).toMatchObject({ status: 'filled' });
    expect(await executeSignalMessage(execute, asMessage(s))).toMatchObject({ status: 'duplicate' });
    const [trade] = [...db.trades.values()];
    expect(trade).toMatchObject({ qty: A('0.05'), time: T + 60_000 });
    expect(trade!.price).toBe((A(String(candle.c)) * 10_005n + 9_999n) / 10_000n); // +5 bps, rounded up
    expect(db.trades.size).toBe(1);
  });

  it('dead-letters a forged price and a symbol neither configured nor held; the ledger is untouched', async () => {
    const { db, execute } = await setup();
    expect(await executeSignalMessage(execute, asMessage(buy({ price: '0.01' })))).toMatchObject({
      status: 'dead_lettered',
      reason: expect.stringMatching(/^price check/),
    });
    expect(await executeSignalMessage(execute, asMessage(buy({ symbol: 'SOL/USDT' })))).toMatchObject({ status: 'dead_lettered' });
    expect(db.trades.size).toBe(0);
    expect(db.ledger).toBeNull();
    expect(db.deadletters.size).toBe(2);
  });

  it('shrinks an entry that no longer fits, never grows it', async () => {
    const { db, execute } = await setup();
    const huge = buy({ qty: '50' });
    expect(await executeSignalMessage(execute, asMessage(huge))).toMatchObject({ status: 'filled' });
    const [trade] = [...db.trades.values()];
    expect(trade!.qty).toBeLessThan(A('50'));
    expect((trade!.qty * trade!.price) / 100_000_000n).toBeLessThanOrEqual(A('2500')); // 25 % exposure of 10 000
  });

  it('dead-letters a message with no data once, never throws', async () => {
    const { db, execute } = await setup();
    expect(await executeSignalMessage(execute, { id: 'm1', body: null, attributes: {}, envelopeError: null, raw: '' })).toMatchObject({
      status: 'dead_lettered',
      reason: expect.stringMatching(/no data/),
    });
    expect([...db.deadletters.keys()]).toEqual(['m1']);
  });
});

describe('only current prices fill (time is a trust boundary)', () => {
  const H4 = 4 * 3_600_000;
  const xrp = loadBundledSeries('XRP/USDT', '4h');
  const at = (iso: string) => xrp.findIndex((c) => c.t === Date.parse(iso));
  const sep2022 = xrp[at('2022-09-10T00:00:00Z')]!;
  const june = at('2023-06-10T00:00:00Z');
  const xrpSignal = (c: Candle, side: 'buy' | 'sell', o: { reason?: 'regime_exit' | 'take_profit'; price?: string; qty?: string } = {}) =>
    createSignal(
      {
        strategyVersion: 't@1',
        symbol: 'XRP/USDT',
        timeframe: '4h',
        candleTime: c.t,
        side,
        reason: side === 'buy' ? 'regime_entry' : (o.reason ?? 'regime_exit'),
        refPrice: A(o.price ?? String(c.c)),
        atr: A('0.01'),
        qty: A(o.qty ?? '1000'),
      },
      c.t + H4,
    );
  async function world() {
    const d = memoryDeps({ SYMBOLS: 'BTC/USDT,XRP/USDT' });
    await d.execute.candles.upsert('XRP/USDT', '4h', [sep2022, ...xrp.slice(june - 2, june + 8)]);
    const snapshot = () =>
      structuredClone({ ledger: d.db.ledger, positions: [...d.db.positionDocs], trades: [...d.db.trades], orders: [...d.db.orders] });
    return { ...d, snapshot };
  }

  it('a buy priced at a months-old candle is dead-lettered as stale, state unchanged; the next current buy fills', async () => {
    const w = await world();
    w.clock.t = xrp[june]!.t + H4 + 30 * 60_000; // market time: 30 min after the 2023-06-10 00:00 candle closed
    const before = w.snapshot();
    const old = xrpSignal(sep2022, 'buy');
    expect(await executeSignalMessage(w.execute, asMessage(old))).toEqual({
      status: 'dead_lettered',
      reason: expect.stringMatching(
        /^stale signal: 4h candle 2022-09-10T00:00:00.000Z is 1638 timeframes old at 2023-06-10T04:30:00.000Z$/,
      ),
    });
    expect(w.snapshot()).toEqual(before);
    expect(w.db.orders.has(old.id)).toBe(false);
    expect(w.db.deadletters.get(old.id)?.reason).toMatch(/^stale signal/);
    // two timeframes behind is stale too; one behind is the grace and fills
    expect(await executeSignalMessage(w.execute, asMessage(xrpSignal(xrp[june - 2]!, 'buy')))).toMatchObject({
      status: 'dead_lettered',
      reason: expect.stringMatching(/is 2 timeframes old/),
    });
    const current = xrpSignal(xrp[june - 1]!, 'buy');
    expect(await executeSignalMessage(w.execute, asMessage(current))).toMatchObject({ status: 'filled' });
    expect([...w.db.trades.values()]).toMatchObject([{ signalId: current.id, price: slippedPrice('buy', A(String(xrp[june - 1]!.c)), 5) }]);
    expect(w.db.deadletters.size).toBe(2);
  });

  it("a take-profit below the position's target (0.01 on a flash-crash candle) is dead-lettered, state unchanged", async () => {
    const w = await world();
    const entry = xrp[june]!;
    w.clock.t = entry.t + H4 + 60_000;
    expect(await executeSignalMessage(w.execute, asMessage(xrpSignal(entry, 'buy')))).toMatchObject({ status: 'filled' });
    const held = w.db.ledger!.positions['XRP/USDT']!;
    // a stored candle that closed at 0.01: the price check passes, the target (entry + ATRs) does not
    const crash: Candle = { t: entry.t + H4, o: entry.c, h: entry.c, l: 0.01, c: 0.01, v: 1 };
    await w.execute.candles.upsert('XRP/USDT', '4h', [crash]);
    w.clock.t = crash.t + H4 + 60_000;
    const before = w.snapshot();
    const tp = xrpSignal(crash, 'sell', { reason: 'take_profit', price: '0.01', qty: String(Number(held.qty) / 1e8) });
    expect(tp.qty).toBe(held.qty);
    expect(await executeSignalMessage(w.execute, asMessage(tp))).toEqual({
      status: 'dead_lettered',
      reason: `take-profit refPrice 0.01000000 below the position's target ${(Number(held.takeProfit) / 1e8).toFixed(8)}`,
    });
    expect(w.snapshot()).toEqual(before);
    expect(w.db.orders.has(tp.id)).toBe(false);
    // the same exit as a regime exit is protection: it sells
    expect(
      await executeSignalMessage(w.execute, asMessage(xrpSignal(crash, 'sell', { qty: String(Number(held.qty) / 1e8) }))),
    ).toMatchObject({ status: 'filled' });
  });

  it('a late exit fills at the current close (same id, repriced); a redelivery even later is a duplicate', async () => {
    const w = await world();
    const entry = xrp[june]!;
    w.clock.t = entry.t + H4 + 60_000;
    expect(await executeSignalMessage(w.execute, asMessage(xrpSignal(entry, 'buy')))).toMatchObject({ status: 'filled' });
    const qty = w.db.ledger!.positions['XRP/USDT']!.qty;
    const exit = xrpSignal(xrp[june + 1]!, 'sell', { qty: String(Number(qty) / 1e8) });
    const newest = xrp[june + 7]!; // the newest stored candle: six timeframes later
    w.clock.t = newest.t + H4 + 10 * 60_000;
    const out = await executeSignalMessage(w.execute, asMessage(exit));
    expect(out).toMatchObject({ status: 'filled', signalId: exit.id });
    const trade = w.db.trades.get(exit.id)!;
    expect(trade).toMatchObject({ side: 'sell', qty, price: slippedPrice('sell', A(String(newest.c)), 5), time: newest.t + H4 });
    expect(A(String(newest.c))).not.toBe(exit.refPrice);
    w.clock.t += 3 * 24 * 3_600_000;
    expect(await executeSignalMessage(w.execute, asMessage(exit))).toEqual({ status: 'duplicate', signalId: exit.id });
    expect(w.db.deadletters.size).toBe(0);
  });
});
