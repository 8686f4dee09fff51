/**
 * report.html: one self-contained file (lightweight-charts' standalone build inlined, data inlined),
 * readable offline from disk. The tables are rendered here from the summary (reportTables.ts), the
 * same object written to summary.json and embedded as JSON; the charts are drawn in the page:
 * equity and buy-and-hold rebased to 100 on a log scale with the drawdown in a pane below on the
 * same time axis, then each symbol's candles with regimes, EMAs and trades.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { toNumber } from '../../functions/src/domain/money.ts';
import { REGIMES } from '../../functions/src/domain/regime.types.ts';
import type { Trade } from '../../functions/src/domain/trading.types.ts';
import { esc, renderTables, type ReportSummary } from './reportTables.ts';
import type { ChartSeries } from './run.ts';

// The package exports no path for its standalone build: find its package.json (exported), then dist/.
const require = createRequire(import.meta.url);
const LIB = readFileSync(
  join(dirname(require.resolve('lightweight-charts/package.json')), 'dist', 'lightweight-charts.standalone.production.js'),
  'utf8',
);

export interface ReportData {
  title: string;
  summary: ReportSummary;
  charts: Record<string, ChartSeries>;
  trades: readonly Trade[];
  /** [time, equity] */
  equity: [number, number][];
  /** [time, value of 1 held] */
  benchmark: [number, number][];
}

/** JSON that is safe inside a <script> element. */
const embed = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

/**
 * The curves on one time grid of `n` even steps (the chart spaces points by index, not time: a
 * minute-by-minute stretch would otherwise take up most of the axis). Each curve at a grid time is
 * its last value at or before it; the drawdown is the deepest in the step, so the trough shows.
 */
function onGrid(
  equity: readonly [number, number][],
  benchmark: readonly [number, number][],
  n: number,
): { t: number[]; equity: number[]; benchmark: (number | null)[]; drawdownPct: number[] } {
  const out = { t: [] as number[], equity: [] as number[], benchmark: [] as (number | null)[], drawdownPct: [] as number[] };
  if (equity.length === 0) return out;
  const start = equity[0]![0];
  const end = equity.at(-1)![0];
  const step = Math.max(1, (end - start) / n);
  let i = 0;
  let j = 0;
  let peak = -Infinity;
  for (let k = 0; k <= n; k++) {
    const t = k === n ? end : start + k * step;
    let deepest = 0;
    while (i < equity.length && equity[i]![0] <= t) {
      peak = Math.max(peak, equity[i]![1]);
      deepest = Math.min(deepest, peak > 0 ? (-100 * (peak - equity[i]![1])) / peak : 0);
      i++;
    }
    while (j < benchmark.length && benchmark[j]![0] <= t) j++;
    if (out.t.length > 0 && Math.floor(t / 1000) <= Math.floor(out.t.at(-1)! / 1000)) continue;
    out.t.push(t);
    out.equity.push(equity[Math.max(0, i - 1)]![1]);
    out.benchmark.push(j > 0 ? benchmark[j - 1]![1] : null);
    out.drawdownPct.push(deepest);
  }
  return out;
}

export function renderReport(d: ReportData): string {
  const data = {
    charts: d.charts,
    regimes: REGIMES,
    trades: d.trades.map((t) => ({ t: t.time, s: t.symbol, side: t.side, reason: t.reason, price: toNumber(t.price) })),
    curves: onGrid(d.equity, d.benchmark, 2000),
  };
  const title = esc(d.title);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
*{box-sizing:border-box}body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;padding:16px;max-width:1240px;color:#1d2330;background:#fafbfc}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 6px}.note{color:#5a6272;margin:0 0 6px;font-size:13px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:0 28px}
.scroll{overflow-x:auto;max-width:100%}.scroll.long{max-height:560px;overflow-y:auto}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;white-space:nowrap}td,th{border-bottom:1px solid #e3e6ec;padding:4px 10px;text-align:right}
th{position:sticky;top:0;background:#f0f2f6;font-weight:600;white-space:normal;vertical-align:bottom}td.t{text-align:left}th:first-child,td:first-child{text-align:left}td.pos{color:#1e7b45}td.neg{color:#b8322d}
.chart{height:360px;width:100%;background:#fff;border:1px solid #dde}.tall{height:460px}.legend span{display:inline-block;margin-right:12px}
.sw{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
td:first-child{white-space:normal;min-width:7em}
@media (max-width:600px){body{padding:10px}h1{font-size:17px}td,th{padding:4px 6px}.chart{height:300px}.tall{height:380px}}
</style></head><body>
<h1>${title}</h1>
<p class="note">All times UTC. Amounts in the quote currency.</p>
<h2>Equity and buy-and-hold, rebased to 100 (log scale); drawdown below</h2>
<div class="legend"><span><b style="color:#2962ff">━</b> strategy</span><span><b style="color:#888">━</b> buy &amp; hold</span><span><b style="color:#d64541">▇</b> strategy drawdown %</span></div>
<div id="equity" class="chart tall"></div>
<div id="tables">${renderTables(d.summary)}</div>
<div id="symbols"></div>
<script type="application/json" id="summary">${embed(d.summary)}</script>
<script type="application/json" id="data">${embed(data)}</script>
<script>${LIB}</script>
<script>
const S = JSON.parse(document.getElementById('summary').textContent);
const D = JSON.parse(document.getElementById('data').textContent);
const LC = LightweightCharts;
const COLORS = { bull_trend: 'rgba(38,166,91,0.13)', bear_trend: 'rgba(214,69,65,0.13)', sideways_range: 'rgba(120,120,140,0.10)', high_volatility: 'rgba(245,166,35,0.18)', unknown: 'rgba(0,0,0,0)' };
const sec = (ms) => Math.floor(ms / 1000);
const opts = (el) => ({ width: el.clientWidth, height: el.clientHeight, layout: { background: { color: '#fff' }, textColor: '#333' }, timeScale: { timeVisible: true, minBarSpacing: 0.01 }, rightPriceScale: { borderVisible: false } });
for (const t of document.querySelectorAll('#tables table')) if (t.rows.length > 40) t.parentElement.classList.add('long');
const initial = Number(S.initialCash);
const eq = LC.createChart(document.getElementById('equity'), opts(document.getElementById('equity')));
const C = D.curves;
const line = (vals, color, title) => eq.addSeries(LC.LineSeries, { color, lineWidth: 2, title, priceFormat: { type: 'price', precision: 1, minMove: 0.1 } }).setData(C.t.map((t, i) => vals[i] === null ? { time: sec(t) } : { time: sec(t), value: vals[i] }));
line(C.equity.map((v) => 100 * v / initial), '#2962ff', 'strategy');
line(C.benchmark.map((v) => v === null ? null : 100 * v), '#888', 'buy & hold');
eq.priceScale('right', 0).applyOptions({ mode: LC.PriceScaleMode.Logarithmic });
eq.addSeries(LC.AreaSeries, { lineColor: '#d64541', topColor: 'rgba(214,69,65,0.1)', bottomColor: 'rgba(214,69,65,0.4)', title: 'drawdown %', priceFormat: { type: 'price', precision: 1, minMove: 0.1 } }, 1).setData(C.t.map((t, i) => ({ time: sec(t), value: C.drawdownPct[i] })));
eq.panes()[1].setStretchFactor(0.5);
eq.timeScale().fitContent();
for (const [symbol, c] of Object.entries(D.charts)) {
  const box = document.createElement('div');
  box.innerHTML = '<h2>' + symbol + ': candles, regime (shading), EMAs and trades</h2><div class="legend">' + D.regimes.filter((r) => r !== 'unknown').map((r) => '<span><i class="sw" style="background:' + COLORS[r].replace(/0\\.1\\d?\\)/, '0.6)') + '"></i>' + r.replace('_', ' ') + '</span>').join('') + '<span>EMA50 <b style="color:#f39c12">━</b></span><span>EMA200 <b style="color:#8e44ad">━</b></span></div><div class="chart"></div>';
  document.getElementById('symbols').appendChild(box);
  const el = box.querySelector('.chart');
  const chart = LC.createChart(el, opts(el));
  const shade = chart.addSeries(LC.HistogramSeries, { priceScaleId: 'regime', priceLineVisible: false, lastValueVisible: false });
  chart.priceScale('regime').applyOptions({ scaleMargins: { top: 0, bottom: 0 }, visible: false });
  shade.setData(c.t.map((t, i) => ({ time: sec(t), value: 1, color: COLORS[D.regimes[c.regime[i]]] })));
  const candles = chart.addSeries(LC.CandlestickSeries, {});
  candles.setData(c.t.map((t, i) => ({ time: sec(t), open: c.o[i], high: c.h[i], low: c.l[i], close: c.c[i] })));
  const ema = (vals, color) => chart.addSeries(LC.LineSeries, { color, lineWidth: 1, priceLineVisible: false, lastValueVisible: false }).setData(c.t.map((t, i) => Number.isFinite(vals[i]) ? { time: sec(t), value: vals[i] } : { time: sec(t) }));
  ema(c.ema50, '#f39c12');
  ema(c.ema200, '#8e44ad');
  // each trade onto its bar (bars may hold several candles)
  const barOf = (t) => { let lo = 0, hi = c.t.length - 1; while (lo < hi) { const m = (lo + hi + 1) >> 1; if (c.t[m] <= t) lo = m; else hi = m - 1; } return c.t[lo]; };
  const marks = D.trades.filter((x) => x.s === symbol).map((x) => ({ time: sec(barOf(x.t - 1)), position: x.side === 'buy' ? 'belowBar' : 'aboveBar', color: x.side === 'buy' ? '#26a65b' : '#d64541', shape: x.side === 'buy' ? 'arrowUp' : 'arrowDown' }));
  LC.createSeriesMarkers(candles, marks.slice(-400));
  chart.timeScale().fitContent();
}
document.body.dataset.ready = '1';
</script></body></html>
`;
}
