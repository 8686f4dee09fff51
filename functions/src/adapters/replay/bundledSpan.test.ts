import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { timeframeMs, type Timeframe } from '../../domain/candle.ts';
import { BUNDLED_CANDLES_DIR, loadBundledCandles } from './ReplayMarketData.ts';
import { BUNDLED_SPAN } from './bundledSpan.ts';

describe('BUNDLED_SPAN', () => {
  it('is the first open time and the last close time over every bundled file', () => {
    let fromMs = Infinity;
    let untilMs = -Infinity;
    const files = readdirSync(BUNDLED_CANDLES_DIR).filter((f) => f.endsWith('.csv.gz'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const [, base, quote, tf] = /^(\w+)_(\w+)-(\w+)\.csv\.gz$/.exec(f)!;
      const candles = loadBundledCandles(`${base}/${quote}`, tf as Timeframe);
      fromMs = Math.min(fromMs, candles[0]!.t);
      untilMs = Math.max(untilMs, candles.at(-1)!.t + timeframeMs(tf as Timeframe));
    }
    expect({ fromMs, untilMs }).toEqual(BUNDLED_SPAN);
  }, 30_000); // reads every bundled file: seconds on a loaded 2-core machine
});
