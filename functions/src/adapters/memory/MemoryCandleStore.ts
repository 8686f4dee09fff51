import type { Candle, Timeframe } from '../../domain/candle.ts';
import type { CandleStore } from '../../ports/index.ts';

/** In-memory CandleStore: candles by symbol and timeframe, keyed by open time (upserts are idempotent). */
export class MemoryCandleStore implements CandleStore {
  private readonly series = new Map<string, Map<number, Candle>>();

  async upsert(symbol: string, timeframe: Timeframe, candles: readonly Candle[]): Promise<number> {
    const key = `${symbol}|${timeframe}`;
    const byTime = this.series.get(key) ?? new Map<number, Candle>();
    for (const c of candles) byTime.set(c.t, { ...c });
    this.series.set(key, byTime);
    return candles.length > 0 ? 1 : 0;
  }

  async read(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number): Promise<Candle[]> {
    const byTime = this.series.get(`${symbol}|${timeframe}`);
    if (!byTime) return [];
    return [...byTime.values()].filter((c) => c.t >= fromMs && c.t < toMs).sort((a, b) => a.t - b.t).map((c) => ({ ...c }));
  }

  async newest(symbol: string, timeframe: Timeframe): Promise<number | null> {
    const byTime = this.series.get(`${symbol}|${timeframe}`);
    return byTime && byTime.size > 0 ? Math.max(...byTime.keys()) : null;
  }
}
