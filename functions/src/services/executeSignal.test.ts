import { describe, expect, it } from 'vitest';
import { loadBundledCandles } from '../adapters/replay/ReplayMarketData.ts';
import { toAmount as A } from '../domain/money.ts';
import { createSignal } from '../domain/signal.ts';
import type { Signal } from '../domain/trading.types.ts';
import { executeSignalMessage } from './executeSignal.ts';
import { asMessage, memoryDeps } from './testing.ts';

const T = Date.parse('2023-03-20T12:00:00Z');
const candle = loadBundledCandles('BTC/USDT', '1m').find((c) => c.t === T)!;
const buy = (over: Partial<{ price: string; qty: string; symbol: string }> = {}): Signal =>
  createSignal({ strategyVersion: 't@1', symbol: over.symbol ?? 'BTC/USDT', timeframe: '1m', candleTime: T, side: 'buy', reason: 'regime_entry', refPrice: A(over.price ?? String(candle.c)), atr: A('30'), qty: A(over.qty ?? '0.05') }, T + 60_000);

async function setup() {
  const d = memoryDeps({ SYMBOLS: 'BTC/USDT,ETH/USDT' });
  await d.execute.candles.upsert('BTC/USDT', '1m', [candle]);
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
    expect(await executeSignalMessage(execute, asMessage(buy({ price: '0.01' })))).toMatchObject({ status: 'dead_lettered', reason: expect.stringMatching(/^price check/) });
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
    expect(trade!.qty * trade!.price / 100_000_000n).toBeLessThanOrEqual(A('2500')); // 25 % exposure of 10 000
  });

  it('dead-letters a message with no data once, never throws', async () => {
    const { db, execute } = await setup();
    expect(await executeSignalMessage(execute, { id: 'm1', body: null, attributes: {}, envelopeError: null, raw: '' })).toMatchObject({ status: 'dead_lettered', reason: expect.stringMatching(/no data/) });
    expect([...db.deadletters.keys()]).toEqual(['m1']);
  });
});
