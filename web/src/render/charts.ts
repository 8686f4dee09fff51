/**
 * TradingView lightweight-charts: the selected market's candles with EMA50/EMA200, regime shading
 * (a full-height histogram on its own scale) and trade markers; the equity curve with its running
 * peak and the drawdown underneath. Data attributes expose what is drawn, for tests and debugging.
 */
import {
  AreaSeries,
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineSeries,
  LineStyle,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { Candle } from '../../../functions/src/domain/candle.ts';
import { tailFrom, type EquityPointView, type IndicatorRow } from '../chartData.ts';
import { h } from '../dom.ts';
import { fmtTime, humanize } from '../format.ts';
import type { Regime, TradeView } from '../views.ts';
import type { RegimeSegment } from '../chartData.ts';

export const REGIME_COLORS: Record<Regime, string> = {
  bull_trend: '#2ecc8f',
  bear_trend: '#f0506e',
  sideways_range: '#4ea1ff',
  high_volatility: '#f5a524',
  unknown: '#7c8799',
};

const sec = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;
const candlePoint = (c: Candle) => ({ time: sec(c.t), open: c.o, high: c.h, low: c.l, close: c.c });
const regimePoint = (r: IndicatorRow) => ({ time: sec(r.t), value: 1, color: `${REGIME_COLORS[r.regime]}1a` });
const linePoint = (t: number, value: number | null) => (value === null ? { time: sec(t) } : { time: sec(t), value });

export function baseChart(el: HTMLElement): IChartApi {
  return createChart(el, {
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: '#9aa5b5', fontSize: 11, attributionLogo: false },
    grid: { vertLines: { color: '#1c2330' }, horzLines: { color: '#1c2330' } },
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#242c39' },
    rightPriceScale: { borderColor: '#242c39' },
    localization: { timeFormatter: (t: Time) => fmtTime(Number(t) * 1000) },
  });
}

export class PriceChart {
  private readonly chart: IChartApi;
  private readonly regime: ISeriesApi<'Histogram'>;
  private readonly candles: ISeriesApi<'Candlestick'>;
  private readonly ema50: ISeriesApi<'Line'>;
  private readonly ema200: ISeriesApi<'Line'>;
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  /** what the chart holds: the series key and the candles and readings last handed over */
  private drawn: { key: string; candles: readonly Candle[]; rows: readonly IndicatorRow[] } = { key: '', candles: [], rows: [] };
  private markersKey = '';

  constructor(private readonly el: HTMLElement) {
    this.chart = baseChart(el);
    this.regime = this.chart.addSeries(HistogramSeries, {
      priceScaleId: 'regime',
      lastValueVisible: false,
      priceLineVisible: false,
      base: 0,
    });
    this.chart.priceScale('regime').applyOptions({ scaleMargins: { top: 0, bottom: 0 }, visible: false });
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: '#2ecc8f',
      downColor: '#f0506e',
      wickUpColor: '#2ecc8f',
      wickDownColor: '#f0506e',
      borderVisible: false,
    });
    this.ema50 = this.chart.addSeries(LineSeries, {
      color: '#f5d76e',
      lineWidth: 1,
      priceLineVisible: false,
      lastValueVisible: false,
      title: 'EMA50',
    });
    this.ema200 = this.chart.addSeries(LineSeries, {
      color: '#a78bfa',
      lineWidth: 2,
      priceLineVisible: false,
      lastValueVisible: false,
      title: 'EMA200',
    });
    this.markers = createSeriesMarkers(this.candles, []);
  }

  /**
   * A tick's update (the newest candle changed, newer ones appended, nothing older touched) hands the
   * chart only those candles (`series.update`); anything else sets every point again. `data-drawn`
   * says how many candles the last update handed over (`npm run bench` prints it per tick).
   */
  update(
    candles: readonly Candle[],
    rows: readonly IndicatorRow[],
    trades: readonly TradeView[],
    priceDecimals: number,
    tfMs: number,
    series = '',
  ): void {
    const key = `${series} ${priceDecimals}`;
    const from = key === this.drawn.key ? tailFrom(this.drawn.candles, this.drawn.rows, candles, rows) : null;
    if (from === null) {
      const format = { type: 'price' as const, precision: priceDecimals, minMove: 10 ** -priceDecimals };
      this.candles.applyOptions({ priceFormat: format });
      this.candles.setData(candles.map(candlePoint));
      this.regime.setData(rows.map(regimePoint));
      this.ema50.setData(rows.map((r) => linePoint(r.t, r.ema50)));
      this.ema200.setData(rows.map((r) => linePoint(r.t, r.ema200)));
    } else {
      for (let i = from; i < candles.length; i++) {
        const r = rows[i]!;
        this.candles.update(candlePoint(candles[i]!));
        this.regime.update(regimePoint(r));
        this.ema50.update(linePoint(r.t, r.ema50));
        this.ema200.update(linePoint(r.t, r.ema200));
      }
    }
    this.drawn = { key, candles, rows };
    this.el.dataset.drawn = String(candles.length - (from ?? 0));
    const first = candles[0]?.t ?? Infinity;
    const last = candles[candles.length - 1]?.t ?? -Infinity;
    // A fill comes after its decision candle closed: one newer than the newest candle sits on it.
    const marks: SeriesMarker<Time>[] = trades
      .filter((t) => t.time !== null && t.time >= first)
      .sort((a, b) => a.time! - b.time!)
      .map((t) => ({
        time: sec(Math.min(last, Math.floor(t.time! / tfMs) * tfMs)),
        position: t.side === 'buy' ? 'belowBar' : 'aboveBar',
        shape: t.side === 'buy' ? 'arrowUp' : 'arrowDown',
        color: t.side === 'buy' ? '#2ecc8f' : '#f0506e',
        text: t.side === 'buy' ? 'buy' : `sell ${humanize(t.reason)}`,
      }));
    const markersKey = JSON.stringify(marks);
    if (markersKey !== this.markersKey) this.markers.setMarkers(marks);
    this.markersKey = markersKey;
    this.el.dataset.series = series;
    this.el.dataset.candles = String(candles.length);
    this.el.dataset.ema50 = String(rows.filter((r) => r.ema50 !== null).length);
    this.el.dataset.ema200 = String(rows.filter((r) => r.ema200 !== null).length);
    this.el.dataset.regimeKnown = String(rows.filter((r) => r.regime !== 'unknown').length);
    this.el.dataset.markers = String(marks.length);
    this.el.dataset.lastClose = String(candles[candles.length - 1]?.c ?? '');
    this.el.dataset.lastTime = String(candles[candles.length - 1]?.t ?? '');
    // the newest candle's reading as drawn: what the tick stored beside it (the browser tests compare)
    const newest = rows[rows.length - 1];
    this.el.dataset.lastEma50 = String(newest?.ema50 ?? '');
    this.el.dataset.lastEma200 = String(newest?.ema200 ?? '');
    this.el.dataset.lastRegime = newest?.regime ?? '';
  }

  clear(): void {
    this.update([], [], [], 2, 60_000);
  }
}

export class EquityChart {
  private readonly chart: IChartApi;
  private readonly equity: ISeriesApi<'Line'>;
  private readonly peak: ISeriesApi<'Line'>;
  private readonly drawdown: ISeriesApi<'Area'>;
  private readonly peakMarker: ISeriesMarkersPluginApi<Time>;

  constructor(private readonly el: HTMLElement) {
    this.chart = baseChart(el);
    this.equity = this.chart.addSeries(LineSeries, { color: '#4ea1ff', lineWidth: 2, title: 'equity' });
    this.peak = this.chart.addSeries(LineSeries, {
      color: '#7c8799',
      lineWidth: 1,
      lineStyle: LineStyle.Dashed,
      priceLineVisible: false,
      lastValueVisible: false,
      title: 'peak',
    });
    this.drawdown = this.chart.addSeries(
      AreaSeries,
      {
        lineColor: '#f0506e',
        topColor: '#f0506e11',
        bottomColor: '#f0506e55',
        lineWidth: 1,
        priceFormat: { type: 'percent' },
        title: 'drawdown',
      },
      1,
    );
    this.chart.panes()[1]?.setHeight(60);
    this.peakMarker = createSeriesMarkers(this.equity, []);
  }

  /**
   * Points as floats for drawing only; the numbers shown in text come from the exact amounts. A point
   * may carry the running peak the tick recorded (intraday highs a daily close does not show).
   */
  update(points: readonly (EquityPointView & { peak?: string })[], fit = false): void {
    const bySecond = new Map<number, [number, number]>();
    for (const p of points) bySecond.set(sec(p.time), [Number(p.equity), p.peak === undefined ? -Infinity : Number(p.peak)]);
    const series = [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([t, [v, recorded]]) => [t, v, recorded] as const);
    let peak = -Infinity;
    let peakAt = 0;
    const peaks: { time: UTCTimestamp; value: number }[] = [];
    const dd: { time: UTCTimestamp; value: number }[] = [];
    for (const [t, v, recorded] of series) {
      if (Math.max(v, recorded) > peak) [peak, peakAt] = [Math.max(v, recorded), t];
      peaks.push({ time: t as UTCTimestamp, value: peak });
      dd.push({ time: t as UTCTimestamp, value: peak > 0 ? ((v - peak) / peak) * 100 : 0 });
    }
    this.equity.setData(series.map(([t, v]) => ({ time: t as UTCTimestamp, value: v })));
    if (fit) this.chart.timeScale().fitContent();
    this.peak.setData(peaks);
    this.drawdown.setData(dd);
    this.peakMarker.setMarkers(
      series.length > 0 ? [{ time: peakAt as UTCTimestamp, position: 'aboveBar', shape: 'circle', color: '#d6dde8', text: 'peak' }] : [],
    );
    this.el.dataset.points = String(series.length);
    this.el.dataset.lastEquity = String(series[series.length - 1]?.[1] ?? '');
  }
}

/** The regime timeline: one coloured band per run of candles in a regime, widths by duration. */
export function renderRegimeTimeline(root: HTMLElement, segments: readonly RegimeSegment[], tfMs: number): void {
  if (segments.length === 0) {
    root.replaceChildren(h('div', { class: 'empty' }, 'No candles yet for this market today.'));
    return;
  }
  const start = segments[0]!.from;
  const end = segments[segments.length - 1]!.to + tfMs;
  const bands = segments.map((s) => {
    const band = h('span', { class: 'regime-band', title: `${humanize(s.regime)}: ${fmtTime(s.from)} → ${fmtTime(s.to + tfMs)}` });
    band.style.flexGrow = String(Math.max(1, s.to + tfMs - s.from) / (end - start));
    band.style.background = REGIME_COLORS[s.regime];
    return band;
  });
  const recent = segments
    .slice(-4)
    .reverse()
    .map((s) => h('li', {}, h('span', { class: 'dot-regime' }), `${humanize(s.regime)} since ${fmtTime(s.from)}`));
  recent.forEach((li, i) => ((li.firstChild as HTMLElement).style.background = REGIME_COLORS[segments[segments.length - 1 - i]!.regime]));
  root.replaceChildren(h('div', { class: 'regime-strip', testid: 'regime-strip' }, ...bands), h('ul', { class: 'regime-list' }, ...recent));
  root.dataset.segments = String(segments.length);
}
