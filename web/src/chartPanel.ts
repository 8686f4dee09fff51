/**
 * The chart panel's data: one listener on today's candle document of the selected market (yesterday's
 * is read once, so EMA200 and the regime have history early in the UTC day) and one on today's
 * equity document. "Today" is market time, so a replay charts its own day. Keys are re-derived on
 * every status update and clock tick; a new day or market moves the listeners.
 */
import { doc, getDoc, type Unsubscribe } from 'firebase/firestore';
import type { Candle } from '../../functions/src/domain/candle.ts';
import { candleDayPath, dayKey, indicatorRows, mergeCandles, parseCandleDay, parseEquityDay, regimeSegments, type EquityPointView } from './chartData.ts';
import { byId, h } from './dom.ts';
import { countReads, db, watchDoc, type ListenerSink } from './firestore.ts';
import { learnPriceDecimals, priceDp } from './format.ts';
import type { Market, TradeView } from './parse.ts';
import { EquityChart, PriceChart, renderRegimeTimeline } from './render/charts.ts';

const DAY_MS = 86_400_000;
const TF_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': DAY_MS };

export class ChartPanel {
  private price: PriceChart | null = null;
  private equity: EquityChart | null = null;
  private markets: Market[] = [];
  private selected = localStorage.getItem('eagle.chart.symbol') ?? '';
  private trades: TradeView[] = [];
  private today: Candle[] = [];
  private previous = new Map<string, Candle[]>();
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

  /** (Re-)attach the two listeners when the market, timeframe or market day changed. */
  private ensure(): void {
    if (!this.sink) return;
    const m = this.market();
    const day = dayKey(this.marketNow);
    const candleKey = m ? candleDayPath(m.symbol, m.timeframe ?? '1m', this.marketNow) : '';
    if (candleKey !== this.candleKey) {
      this.candleUnsub?.();
      this.candleUnsub = null;
      this.candleKey = candleKey;
      this.today = [];
      if (m) {
        const tf = m.timeframe ?? '1m';
        const yesterday = candleDayPath(m.symbol, tf, this.marketNow - DAY_MS);
        if (!this.previous.has(yesterday)) {
          this.previous.set(yesterday, []);
          getDoc(doc(db, yesterday))
            .then((snap) => {
              if (!snap.metadata.fromCache) countReads(1);
              this.previous.set(yesterday, parseCandleDay(snap.data()));
              this.draw();
            })
            .catch((err: unknown) => console.warn('[dashboard] previous candle day', err));
        }
        this.candleUnsub = watchDoc('candles', doc(db, candleKey), this.sink('chart-state'), (data) => {
          this.today = parseCandleDay(data);
          this.draw();
        });
      } else {
        this.draw();
      }
    }
    const equityKey = `equity/${day}`;
    if (equityKey !== this.equityKey) {
      this.equityUnsub?.();
      this.equityKey = equityKey;
      this.equityUnsub = watchDoc('equity', doc(db, equityKey), this.sink('equity-state'), (data) => {
        this.points = parseEquityDay(data);
        this.equity?.update(this.points);
        byId('equity-state').textContent = this.points.length === 0 ? `No equity points yet on ${day} (market day): the tick writes one per tick.` : '';
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
    const tf = m.timeframe ?? '1m';
    const tfMs = TF_MS[tf] ?? 60_000;
    const candles = mergeCandles(this.previous.get(candleDayPath(m.symbol, tf, this.marketNow - DAY_MS)) ?? [], this.today).slice(-2880);
    learnPriceDecimals(m.symbol, candles.map((c) => c.c));
    const rows = indicatorRows(candles, tf);
    this.price?.update(candles, rows, this.trades.filter((t) => t.symbol === m.symbol), priceDp(m.symbol, m.price), tfMs);
    renderRegimeTimeline(byId('regime-timeline'), regimeSegments(rows.slice(-this.today.length || undefined)), tfMs);
    state.textContent = candles.length === 0 ? `No ${tf} candles stored for ${m.symbol} on ${dayKey(this.marketNow)} yet.` : '';
  }
}
