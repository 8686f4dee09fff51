/**
 * Coarser candles from finer ones, exactly as an exchange builds them: a bucket [start, start + tf)
 * aligned to UTC is one candle only when every finer candle in it exists (open of the first, high and
 * low over all, close of the last, volumes summed). A bucket with a missing candle is dropped — a
 * gap stays a gap, and a partial first or last bucket is never passed off as complete.
 */
import { timeframeMs, type Candle, type Timeframe } from './candle.ts';

export function rollUp(candles: readonly Candle[], from: Timeframe, to: Timeframe): Candle[] {
  const step = timeframeMs(from);
  const span = timeframeMs(to);
  if (span % step !== 0 || span < step) throw new RangeError(`cannot roll ${from} up to ${to}`);
  if (span === step) return [...candles];
  const per = span / step;
  const out: Candle[] = [];
  let i = 0;
  while (i < candles.length) {
    const start = Math.floor(candles[i]!.t / span) * span;
    let j = i;
    let o = candles[i]!.o;
    let h = -Infinity;
    let l = Infinity;
    let c = 0;
    let v = 0;
    let complete = true;
    for (let k = 0; k < per; k++) {
      const x = candles[j];
      if (!x || x.t !== start + k * step) {
        complete = false;
        break;
      }
      if (k === 0) o = x.o;
      if (x.h > h) h = x.h;
      if (x.l < l) l = x.l;
      c = x.c;
      v += x.v;
      j++;
    }
    if (complete) out.push({ t: start, o, h, l, c, v });
    // next bucket: skip every candle of this one
    while (i < candles.length && candles[i]!.t < start + span) i++;
  }
  return out;
}
