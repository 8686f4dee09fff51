import type { Candle, Timeframe } from '../../domain/candle.ts';
import type { CandleReading } from '../../domain/engine/index.ts';
import type { CandleStore } from '../../ports/index.ts';

/** In-memory CandleStore: candles and readings by symbol and timeframe, keyed by open time (upserts are idempotent). */
export class MemoryCandleStore implements CandleStore {
  private readonly series = new Map<string, Map<number, Candle>>();
  private readonly readingsBy = new Map<string, Map<number, CandleReading>>();

  async upsert(symbol: string, timeframe: Timeframe, candles: readonly Candle[], readings: readonly CandleReading[] = []): Promise<number> {
    const key = `${symbol}|${timeframe}`;
    const byTime = this.series.get(key) ?? new Map<number, Candle>();
    for (const c of candles) byTime.set(c.t, { ...c });
    this.series.set(key, byTime);
    const readingsByTime = this.readingsBy.get(key) ?? new Map<number, CandleReading>();
    for (const r of readings) readingsByTime.set(r.t, { ...r });
    this.readingsBy.set(key, readingsByTime);
    return candles.length > 0 || readings.length > 0 ? 1 : 0;
  }

  async read(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number): Promise<Candle[]> {
    return inRange(this.series.get(`${symbol}|${timeframe}`), fromMs, toMs);
  }

  async readings(symbol: string, timeframe: Timeframe, fromMs: number, toMs: number): Promise<CandleReading[]> {
    return inRange(this.readingsBy.get(`${symbol}|${timeframe}`), fromMs, toMs);
  }

  async newest(symbol: string, timeframe: Timeframe): Promise<number | null> {
    const byTime = this.series.get(`${symbol}|${timeframe}`);
    return byTime && byTime.size > 0 ? Math.max(...byTime.keys()) : null;
  }
}

function inRange<T extends { t: number }>(byTime: Map<number, T> | undefined, fromMs: number, toMs: number): T[] {
  if (!byTime) return [];
  return [...byTime.values()]
    .filter((x) => x.t >= fromMs && x.t < toMs)
    .sort((a, b) => a.t - b.t)
    .map((x) => ({ ...x }));
}
