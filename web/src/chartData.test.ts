import { describe, expect, it } from 'vitest';
import type { Candle } from '../../functions/src/domain/candle.ts';
import { indicatorRows, tailFrom } from './chartData.ts';

const MIN = 60_000;
const candle = (i: number, c = 100 + i): Candle => ({ t: i * MIN, o: c, h: c + 1, l: c - 1, c, v: 1 });
const series = (n: number) => Array.from({ length: n }, (_, i) => candle(i));
const rows = (cs: Candle[], ema50?: number) =>
  indicatorRows(
    cs,
    cs.map((c) => ({ t: c.t, ema50: ema50 ?? c.c, ema200: c.c, regime: 'bull_trend' as const })),
  );

describe('tailFrom: how much of a tick a chart must redraw', () => {
  const prev = series(5);
  it('hands over only the appended candles when nothing drawn changed', () => {
    const next = series(7);
    expect(tailFrom(prev, rows(prev), next, rows(next))).toBe(5);
  });
  it('starts at the newest drawn candle when the tick changed it (a forming candle, a late reading)', () => {
    const next = [...series(4), candle(4, 999), candle(5)];
    expect(tailFrom(prev, rows(prev), next, rows(next))).toBe(4);
    const reread = series(5);
    const late = rows(reread).map((r, i) => (i === 4 ? { ...r, regime: 'bear_trend' as const } : r));
    expect(tailFrom(prev, rows(prev), reread, late)).toBe(4);
  });
  it('nothing new: nothing handed over', () => {
    expect(tailFrom(prev, rows(prev), series(5), rows(series(5)))).toBe(5);
  });
  it('redraws everything when an older candle or reading changed, was inserted or dropped, or nothing was drawn', () => {
    const changed = [candle(0), candle(1, 7), ...series(5).slice(2)];
    expect(tailFrom(prev, rows(prev), changed, rows(changed))).toBeNull();
    expect(tailFrom(prev, rows(prev), series(5), rows(series(5), 1))).toBeNull();
    const gapFilled = [candle(0), candle(1), { ...candle(2), t: 1.5 * MIN }, ...series(5).slice(2)];
    expect(tailFrom(prev, rows(prev), gapFilled, rows(gapFilled))).toBeNull();
    const shifted = series(6).slice(1);
    expect(tailFrom(prev, rows(prev), shifted, rows(shifted))).toBeNull();
    expect(tailFrom(prev, rows(prev), series(4), rows(series(4)))).toBeNull();
    expect(tailFrom([], [], series(3), rows(series(3)))).toBeNull();
  });
});
