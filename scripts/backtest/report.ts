/**
 * report.html: one self-contained file (lightweight-charts' standalone build inlined, data inlined),
 * readable offline from disk. Every number in its tables comes from the embedded summary, which is
 * the same object written to summary.json.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BacktestSummary } from '../../functions/src/domain/backtest/summary.ts';
import { toNumber } from '../../functions/src/domain/money.ts';
import { REGIMES } from '../../functions/src/domain/regime.types.ts';
import type { Trade } from '../../functions/src/domain/trading.types.ts';
import type { ChartSeries } from './run.ts';

// The package exports no path for its standalone build: find its package.json (exported), then dist/.
const require = createRequire(import.meta.url);
const LIB = readFileSync(join(dirname(require.resolve('lightweight-charts/package.json')), 'dist', 'lightweight-charts.standalone.production.js'), 'utf8');

export interface ReportData {
  title: string;
  summary: BacktestSummary;
  charts: Record<string, ChartSeries>;
  trades: readonly Trade[];
  equity: [number, number][];
  benchmark: [number, number][];
}

/** JSON that is safe inside a <script> element. */
const embed = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

/** At most n points, evenly picked, always keeping the last. */
export function thin<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  const k = xs.length / n;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.floor(i * k)]!);
  out[out.length - 1] = xs.at(-1)!;
  return out;
}

export function renderReport(d: ReportData): string {
  const data = {
    charts: d.charts,
    regimes: REGIMES,
    trades: d.trades.map((t) => ({ t: t.time, s: t.symbol, side: t.side, reason: t.reason, price: toNumber(t.price) })),
    equity: thin(d.equity, 3000),
    benchmark: thin(d.benchmark, 3000),
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${d.title.replace(/[<&]/g, '')}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#1d2330;background:#fafbfc}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{border-bottom:1px solid #dde;padding:4px 10px;text-align:right}th:first-child,td:first-child{text-align:left}
.chart{height:360px;max-width:1200px;background:#fff;border:1px solid #dde}.small{height:220px}.legend span{display:inline-block;margin-right:12px}
.sw{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
</style></head><body>
<h1>${d.title.replace(/[<&]/g, '')}</h1>
<div id="tables"></div>
<h2>Equity vs equal-weight buy-and-hold</h2><div id="equity" class="chart small"></div>
<h2>Drawdown</h2><div id="drawdown" class="chart small"></div>
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
const fmt = (v) => v === null || v === undefined ? '—' : typeof v === 'number' ? String(v) : v;
function table(title, rows, head) {
  const h = '<h2>' + title + '</h2><table>' + (head ? '<tr>' + head.map((x) => '<th>' + x + '</th>').join('') + '</tr>' : '') + rows.map((r) => '<tr>' + r.map((x, i) => '<td data-k="' + (i === 0 ? x : '') + '">' + fmt(x) + '</td>').join('') + '</tr>').join('') + '</table>';
  document.getElementById('tables').insertAdjacentHTML('beforeend', h);
}
const KEYS = ['from','to','initialCash','finalEquity','totalReturnPct','cagrPct','maxDrawdownPct','sharpe','sortino','calmar','winRatePct','profitFactor','trades','fills','exposurePct','feesPaid','killSwitchAt','dailyLossPauses'];
table('Summary', KEYS.map((k) => [k, S[k]]).concat([['benchmark.totalReturnPct', S.benchmark.totalReturnPct], ['benchmark.maxDrawdownPct', S.benchmark.maxDrawdownPct]]));
const split = (o) => Object.entries(o).map(([k, v]) => [k, v.roundTrips, v.realizedPnl, v.winRatePct, v.feesPaid]);
table('Per symbol', split(S.perSymbol), ['symbol', 'round trips', 'realized PnL', 'win %', 'fees']);
table('Per regime at entry', split(S.perRegime), ['regime', 'round trips', 'realized PnL', 'win %', 'fees']);
const opts = (el) => ({ width: el.clientWidth, height: el.clientHeight, layout: { background: { color: '#fff' }, textColor: '#333' }, timeScale: { timeVisible: true }, rightPriceScale: { borderVisible: false } });
function line(el, series) {
  const chart = LC.createChart(el, opts(el));
  for (const [pts, color, title] of series) chart.addSeries(LC.LineSeries, { color, lineWidth: 2, title }).setData(pts.map(([t, v]) => ({ time: sec(t), value: v })));
  chart.timeScale().fitContent();
  return chart;
}
const initial = Number(S.initialCash);
line(document.getElementById('equity'), [[D.equity, '#2962ff', 'strategy'], [D.benchmark.map(([t, v]) => [t, v * initial]), '#888', 'buy & hold']]);
let peak = -Infinity;
const dd = D.equity.map(([t, v]) => { peak = Math.max(peak, v); return [t, -100 * (peak - v) / peak]; });
const ddChart = LC.createChart(document.getElementById('drawdown'), opts(document.getElementById('drawdown')));
ddChart.addSeries(LC.AreaSeries, { lineColor: '#d64541', topColor: 'rgba(214,69,65,0.1)', bottomColor: 'rgba(214,69,65,0.4)', title: 'drawdown %' }).setData(dd.map(([t, v]) => ({ time: sec(t), value: v })));
ddChart.timeScale().fitContent();
for (const [symbol, c] of Object.entries(D.charts)) {
  const box = document.createElement('div');
  box.innerHTML = '<h2>' + symbol + '</h2><div class="legend">' + D.regimes.filter((r) => r !== 'unknown').map((r) => '<span><i class="sw" style="background:' + COLORS[r].replace(/0\\.1\\d?\\)/, '0.6)') + '"></i>' + r + '</span>').join('') + '<span>EMA50 <b style="color:#f39c12">—</b></span><span>EMA200 <b style="color:#8e44ad">—</b></span></div><div class="chart"></div>';
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
