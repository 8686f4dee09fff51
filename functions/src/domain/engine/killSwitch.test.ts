import { describe, expect, it } from 'vitest';
import { signalId } from '../signal.ts';
import { A, testPosition } from '../testing/builders.ts';
import { KILL_SWITCH_VERSION, killSwitchSignals } from './killSwitch.ts';

describe('killSwitchSignals', () => {
  const positions = {
    'ETH/USDT': testPosition({ symbol: 'ETH/USDT', lastPrice: A('1800') }),
    'BTC/USDT': testPosition({ symbol: 'BTC/USDT', lastPrice: A('27000') }),
  };
  const signals = killSwitchSignals({ positions, timeframe: '1h', candleTime: 1_000 * 3_600_000, prices: { 'BTC/USDT': A('26500') }, now: 42 });

  it('sells every position, in symbol order, at the given price or the last mark', () => {
    expect(signals.map((s) => [s.symbol, s.side, s.reason, s.refPrice, s.atr])).toEqual([
      ['BTC/USDT', 'sell', 'kill_switch', A('26500'), 0n],
      ['ETH/USDT', 'sell', 'kill_switch', A('1800'), 0n],
    ]);
  });

  it('has ids distinct from a strategy sell on the same candle', () => {
    const strategySell = signalId({ strategyVersion: 'regime_trend@1', symbol: 'BTC/USDT', timeframe: '1h', candleTime: 1_000 * 3_600_000, side: 'sell' });
    expect(signals[0]!.strategyVersion).toBe(KILL_SWITCH_VERSION);
    expect(signals[0]!.id).not.toBe(strategySell);
  });

  it('is empty for a flat book', () => {
    expect(killSwitchSignals({ positions: {}, timeframe: '1h', candleTime: 0, prices: {}, now: 0 })).toEqual([]);
  });
});
