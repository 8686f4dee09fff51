import type { Firestore } from '@google-cloud/firestore';
import { createSignal } from '../../functions/src/domain/signal.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import type { Signal } from '../../functions/src/domain/trading.types.ts';
import { loadBundledCandles } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { FirestoreCandleStore } from '../../functions/src/adapters/firestore/FirestoreCandleStore.ts';

/**
 * A signal as the tick would emit it: at the close of a real bundled candle, which is stored in
 * Firestore first so executeOrder's price check finds it (call `storeCandleFor`).
 */
export function testSignal(
  over: Partial<{ symbol: string; side: 'buy' | 'sell'; candleTime: number; price: string; atr: string; qty: string }> = {},
): Signal {
  const side = over.side ?? 'buy';
  const symbol = over.symbol ?? 'BTC/USDT';
  const candleTime = over.candleTime ?? Date.parse('2023-03-20T12:00:00Z');
  const candle = loadBundledCandles(symbol, '1m').find((c) => c.t === candleTime);
  if (!candle && over.price === undefined) throw new Error(`no bundled ${symbol} 1m candle at ${new Date(candleTime).toISOString()}`);
  return createSignal(
    {
      strategyVersion: 'test@1',
      symbol,
      timeframe: '1m',
      candleTime,
      side,
      reason: side === 'buy' ? 'regime_entry' : 'regime_exit',
      refPrice: toAmount(over.price ?? candle!.c),
      atr: toAmount(over.atr ?? '35.5'),
      qty: toAmount(over.qty ?? '0.01'),
    },
    candleTime + 61_000,
  );
}

/** Store the bundled candle a signal refers to, as the tick would have before publishing it. */
export async function storeCandleFor(db: Firestore, signal: Signal): Promise<void> {
  const candle = loadBundledCandles(signal.symbol, '1m').find((c) => c.t === signal.candleTime);
  if (candle) await new FirestoreCandleStore(db).upsert(signal.symbol, '1m', [candle]);
}
