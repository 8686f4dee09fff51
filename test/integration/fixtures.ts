import { createSignal } from '../../functions/src/domain/signal.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import type { Signal } from '../../functions/src/domain/trading.types.ts';

/** A signal as the tick would emit it, with real-looking BTC/ETH prices from the bundled data. */
export function testSignal(over: Partial<{ symbol: string; side: 'buy' | 'sell'; candleTime: number; price: string; atr: string }> = {}): Signal {
  const side = over.side ?? 'buy';
  return createSignal(
    {
      strategyVersion: 'test@1',
      symbol: over.symbol ?? 'BTC/USDT',
      timeframe: '1m',
      candleTime: over.candleTime ?? Date.parse('2023-03-20T12:00:00Z'),
      side,
      reason: side === 'buy' ? 'regime_entry' : 'regime_exit',
      refPrice: toAmount(over.price ?? '27950.12'),
      atr: toAmount(over.atr ?? '35.5'),
    },
    Date.parse('2023-03-20T12:01:00Z'),
  );
}
