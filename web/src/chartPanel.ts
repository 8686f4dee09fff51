/**
 * The chart panel's data: one listener on the selected market's current candle bucket document (the
 * functions' bucket rule: a UTC day on 1m, 240 days on 4h; the bucket of the newest stored candle),
 * the previous bucket read once while the current one is too short for the chart, and one listener on today's equity document (market time, so a replay charts
 * its own span). Keys are re-derived on every status update and clock tick; a new bucket, day or
 * market moves the listeners.
 */
import type { Unsubscribe } from 'firebase/firestore';
import { timeframeMs } from '../../functions/src/domain/candle.ts';
import {
  CandleBucketDoc,
  EquityDayDoc,
  bucketCandles,
  bucketReadings,
  decoder,
  equityDayPath,
  parseDoc,
} from '../../functions/src/shared/store/index.ts';
import {
  candleBuckets,
  indicatorRows,
  mergeBuckets,
  regimeSegments,
  timeframeOf,
  type ChartBucket,
  type EquityPointView,
} from './chartData.ts';
import { byId, h } from './dom.ts';
import { readDoc, watchDoc, type ListenerSink } from './firestore.ts';
import { learnPriceDecimals, priceDp } from './format.ts';
import type { Market, TradeView } from './views.ts';
import { EquityChart, PriceChart, renderRegimeTimeline } from './render/charts.ts';

const decodeBucket = (data: unknown, path: string): ChartBucket => {
  const doc = parseDoc(CandleBucketDoc, path, data);
  return { candles: bucketCandles(doc), readings: bucketReadings(doc) };
};
const EMPTY: ChartBucket = { candles: [], readings: [] };

/** previous (closed) buckets kept in memory: one per market of a typical book, so switching tabs reads nothing */
const PREVIOUS_KEPT = 8;

export class ChartPanel {
  private price: PriceChart | null = null;
  private equity: EquityChart | null = null;
  private markets: Market[] = [];
  private selected = localStorage.getItem('eagle.chart.symbol') ?? '';
  private trades: TradeView[] = [];
  private current: ChartBucket = EMPTY;
  /** closed previous buckets by path, each read once */
  private previous = new Map<string, ChartBucket>();
  private previousKey: string | null = null;
  /** the current bucket's listener has delivered (the previous bucket's read is tracked in `previous`) */
  private currentLoaded = false;
  private points: EquityPointView[] = [];
  private candleKey = '';
  private equityKey = '';
  private candleUnsub: Unsubscribe | null = null;
  private equityUnsub: Unsubscribe | null = null;
  private sink: ((panel?: string) => ListenerSink) | null = null;
  private onEquity: () => void = () => {};
  private marketNow = Date.now();

  attach(sink: (panel?: string) => ListenerSink, onEquity: () => void): void {
    this.sink = sink;
    this.onEquity = onEquity;
    this.price ??= new PriceChart(byId('price-chart'));
    this.equity ??= new EquityChart(byId('equity-chart'));
    this.ensure();
  }

  detach(): void {
    this.candleUnsub?.();
    this.equityUnsub?.();
    this.candleUnsub = this.equityUnsub = null;
    this.candleKey = this.equityKey = '';
    this.sink = null;
  }

  equityPoints(): EquityPointView[] {
    return this.points;
  }

  setMarkets(markets: Market[], marketNow: number): void {
    this.markets = [...markets].sort((a, b) => a.symbol.localeCompare(b.symbol));
    this.marketNow = marketNow;
    this.renderTabs();
    this.ensure();
  }

  setTrades(trades: TradeView[]): void {
    this.trades = trades;
    this.draw();
  }

  onClock(marketNow: number): void {
    this.marketNow = marketNow;
    this.ensure();
  }

  private market(): Market | undefined {
    return this.markets.find((m) => m.symbol === this.selected) ?? this.markets[0];
  }

  private renderTabs(): void {
    const current = this.market()?.symbol;
    byId('chart-tabs').replaceChildren(
      ...this.markets.map((m) => {
        const b = h('button', { class: `tab${m.symbol === current ? ' active' : ''}`, testid: `chart-tab-${m.id}` }, m.symbol);
        b.addEventListener('click', () => {
          this.selected = m.symbol;
          localStorage.setItem('eagle.chart.symbol', m.symbol);
          this.renderTabs();
          this.ensure();
        });
        return b;
      }),
    );
  }

  /** (Re-)attach the two listeners when the market, timeframe, bucket or market day changed. */
  private ensure(): void {
    if (!this.sink) return;
    const m = this.market();
    // Before the first tick has stored a candle, the market clock says where the next one will go.
    const buckets = m ? candleBuckets(m.symbol, m.timeframe ?? '1m', m.lastCandleAt ?? this.marketNow) : null;
    const candleKey = buckets?.current ?? '';
    if (candleKey !== this.candleKey) {
      this.candleUnsub?.();
      this.candleUnsub = null;
      this.candleKey = candleKey;
      this.current = EMPTY;
      this.currentLoaded = false;
      this.previousKey = buckets?.previous ?? null;
      const previous = this.previousKey;
      // A tab open for weeks on 1m hands a bucket over every day: keep the few most recent only.
      for (const key of [...this.previous.keys()].slice(0, -PREVIOUS_KEPT)) if (key !== previous) this.previous.delete(key);
      if (previous && !this.previous.has(previous)) {
        readDoc('candles', previous, decodeBucket, this.sink('chart-state'))
          .then((bucket) => {
            this.previous.set(previous, bucket ?? EMPTY);
            this.draw();
          })
          .catch((err: unknown) => {
            // Draw what the current bucket has rather than wait for ever.
            this.previous.set(previous, EMPTY);
            console.warn('[dashboard] previous candle bucket', err);
            this.draw();
          });
      }
      if (buckets) {
        this.candleUnsub = watchDoc('candles', buckets.current, decodeBucket, this.sink('chart-state'), (bucket) => {
          this.current = bucket ?? EMPTY;
          this.currentLoaded = true;
          this.draw();
        });
      }
      this.draw();
    }
    const equityKey = equityDayPath(this.marketNow);
    if (equityKey !== this.equityKey) {
      this.equityUnsub?.();
      this.equityKey = equityKey;
      const day = equityKey.slice(equityKey.lastIndexOf('/') + 1);
      this.equityUnsub = watchDoc('equity', equityKey, decoder(EquityDayDoc), this.sink('equity-state'), (stored) => {
        this.points = stored?.points ?? [];
        this.equity?.update(this.points);
        byId('equity-state').textContent =
          this.points.length === 0 ? `No equity points yet on ${day} (market day): the tick writes one per tick.` : '';
        this.onEquity();
      });
    }
  }

  private draw(): void {
    const m = this.market();
    const state = byId('chart-state');
    if (!m) {
      state.textContent = 'No markets yet: the first tick writes them.';
      this.price?.clear();
      return;
    }
    const tf = timeframeOf(m.timeframe ?? '1m');
    const tfMs = timeframeMs(tf);
    // One paint with everything the chart needs: no flash of a few candles without their EMAs.
    const previous = this.previousKey === null ? EMPTY : this.previous.get(this.previousKey);
    if (!this.currentLoaded || previous === undefined) {
      state.textContent = `Loading ${tf} candles of ${m.symbol}…`;
      this.price?.clear();
      return;
    }
    const { candles, readings } = mergeBuckets(previous, this.current);
    learnPriceDecimals(
      m.symbol,
      candles.map((c) => c.c),
    );
    // The bot's own EMAs and regime, as the tick stored them beside each candle.
    const rows = indicatorRows(candles, readings);
    this.price?.update(
      candles,
      rows,
      this.trades.filter((t) => t.symbol === m.symbol),
      priceDp(m.symbol, m.price),
      tfMs,
      `${m.id} ${tf}`,
    );
    renderRegimeTimeline(byId('regime-timeline'), regimeSegments(rows), tfMs);
    const bucket = this.candleKey.slice(this.candleKey.lastIndexOf('/') + 1);
    state.textContent = candles.length === 0 ? `No ${tf} candles stored for ${m.symbol} in bucket ${bucket} (or the one before) yet.` : '';
  }
}
