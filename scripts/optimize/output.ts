/**
 * The optimiser's result as a trader reads it: the console summary, result.json (the same object,
 * keys in the order summarize builds them, no timestamps: the same bytes for the same run) and a
 * small self-contained report.html (tables and the stitched out-of-sample curve as inline SVG).
 */
import type { Io } from '../lib/io.ts';
import { esc } from '../backtest/reportTables.ts';
import { NONE, pct, ratio, share } from '../backtest/format.ts';
import { NEIGHBOURS, type OptimizeResult, type StitchedSummary } from './search.ts';

export const resultJson = (r: OptimizeResult): string => `${JSON.stringify(r, null, 2)}\n`;

const num = (x: number | null, digits = 2) => (x === null ? NONE : x.toFixed(digits));
const params = (p: Record<string, unknown>) =>
  Object.entries(p)
    .map(([k, v]) => `${k.replace(/^strategy\.params\./, '')}=${String(v)}`)
    .join(' ');
const line = (label: string, s: StitchedSummary) =>
  `${label}: return ${pct(s.totalReturnPct)}, max DD ${share(s.maxDrawdownPct)}, Sharpe ${ratio(s.sharpe)}, ` +
  `Sortino ${ratio(s.sortino)}, ${s.trades} round trips, fees ${s.feesPaid.toFixed(2)}`;

/** The two pooled figures, in words (console and report). */
export function pooledLine(r: OptimizeResult): string {
  const d = r.trust.pooled.deflatedSharpe;
  const p = r.trust.pooled.pbo;
  return (
    `pooled: deflated Sharpe ratio of the stitched out-of-sample returns ${num(d.dsr)} ` +
    `(per-candle Sharpe ${num(d.sharpe, 4)} against ${num(d.expectedMax, 4)}, the best of ${num(d.trials, 1)} trials by luck); ` +
    `walk-forward PBO ${num(p?.pbo ?? null)} (${p ? `${Math.round(p.pbo * p.windows)} of ${p.windows}` : 'no'} windows' winners ` +
    `at or below their trials' median out of sample)`
  );
}

export function printOptimize(io: Io, r: OptimizeResult): void {
  const wf = r.walkForward;
  io.out(
    `Optimise ${r.strategy} on ${r.symbols.join(', ')} ${r.timeframe}: ${wf.windows} windows of ${wf.trainDays} d in sample + ` +
      `${wf.testDays} d out of sample, ${r.trialsPerWindow} trials each, ` +
      `objective ${r.objective}, min trades ${r.minTrades}, seed ${r.seed}`,
  );
  io.out(line('  out of sample, chosen  ', r.outOfSample));
  io.out(line('  out of sample, defaults', r.defaultsOutOfSample));
  io.out(`  ${pooledLine(r)}`);
  io.out(
    `  per window: deflated Sharpe ratio of the winner median ${num(r.trust.deflatedSharpeMedian)}, min ${num(r.trust.deflatedSharpeMin)}; ` +
      `PBO (CSCV) mean ${num(r.trust.pboMean)}, max ${num(r.trust.pboMax)}`,
  );
  for (const [i, w] of r.windows.entries()) {
    io.out(
      `  ${String(i + 1).padStart(2)}. ${w.outOfSample.from.slice(0, 10)} → ${w.outOfSample.to.slice(0, 10)}: ` +
        `OOS ${pct(w.outOfSampleResult.totalReturnPct)} (defaults ${pct(w.defaultsOutOfSampleResult.totalReturnPct)}), ` +
        `IS score ${num(w.score)} (${NEIGHBOURS} nearest ${num(w.neighbours?.meanScore ?? null)}), ` +
        `DSR ${num(w.deflatedSharpe.dsr)}, PBO ${num(w.pbo?.pbo ?? null)}, OOS rank logit ${num(w.outOfSampleRank?.logit ?? null)}` +
        `${w.invalid ? `, ${w.invalid} invalid` : ''}`,
    );
    io.out(`      ${params(w.chosen)}`);
  }
}

function curve(points: readonly [number, number][], width = 900, height = 240): string {
  if (points.length < 2) return '';
  const [t0, t1] = [points[0]![0], points.at(-1)![0]];
  const vs = points.map((p) => Math.log(p[1]));
  const [lo, hi] = [Math.min(...vs), Math.max(...vs)];
  const x = (t: number) => ((t - t0) / Math.max(1, t1 - t0)) * width;
  const y = (v: number) => height - ((v - lo) / Math.max(1e-9, hi - lo)) * height;
  const d = points.map((p, i) => `${x(p[0]).toFixed(1)},${y(vs[i]!).toFixed(1)}`).join(' ');
  return (
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
    `aria-label="stitched out-of-sample equity (log)">` +
    `<polyline fill="none" stroke="#2962ff" stroke-width="1.5" points="${d}"/></svg>`
  );
}

export function renderOptimizeReport(r: OptimizeResult): string {
  const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  const stitched = (label: string, s: StitchedSummary) =>
    row([label, pct(s.totalReturnPct), share(s.maxDrawdownPct), ratio(s.sharpe), ratio(s.sortino), String(s.trades)]);
  const windows = r.windows.map((w, i) =>
    row([
      String(i + 1),
      `${w.outOfSample.from.slice(0, 10)} → ${w.outOfSample.to.slice(0, 10)}`,
      pct(w.inSampleResult.totalReturnPct),
      pct(w.outOfSampleResult.totalReturnPct),
      pct(w.defaultsOutOfSampleResult.totalReturnPct),
      num(w.deflatedSharpe.dsr),
      num(w.pbo?.pbo ?? null),
      num(w.outOfSampleRank?.logit ?? null),
      params(w.chosen),
    ]),
  );
  const title = `Optimise ${r.strategy} ${r.symbols.join(', ')} ${r.timeframe}, objective ${r.objective}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse;margin:12px 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:last-child{text-align:left}</style>
</head><body>
<h1>${esc(title)}</h1>
<p>${r.walkForward.windows} windows: ${r.walkForward.trainDays} days in sample, ${r.walkForward.testDays} out of sample;
${r.trialsPerWindow} trials per window, seed ${r.seed}.</p>
<table><tr><th></th><th>return</th><th>max DD</th><th>Sharpe</th><th>Sortino</th><th>round trips</th></tr>
${stitched('chosen, out of sample', r.outOfSample)}
${stitched('defaults, out of sample', r.defaultsOutOfSample)}
</table>
<p>${esc(pooledLine(r))}.</p>
<p>Per window: deflated Sharpe ratio of the winner: median ${esc(num(r.trust.deflatedSharpeMedian))},
min ${esc(num(r.trust.deflatedSharpeMin))}.
Probability of backtest overfitting (CSCV): mean ${esc(num(r.trust.pboMean))}, max ${esc(num(r.trust.pboMax))}.</p>
<h2>Stitched out-of-sample equity (log scale)</h2>
${curve(r.stitched)}
<h2>Windows</h2>
<table><tr><th>#</th><th>out of sample</th><th>IS return</th><th>OOS return</th><th>defaults OOS</th>
<th>DSR</th><th>PBO</th><th>OOS rank logit</th><th>chosen</th></tr>
${windows.join('\n')}
</table>
<script type="application/json" id="result">${JSON.stringify(r).replace(/</g, '\\u003c')}</script>
</body></html>
`;
}
