/** The console's short summary of a backtest: the headline numbers beside buy-and-hold, in words and units. */
import type { Io } from '../lib/cli.ts';
import { fixed, money, pct, ratio, share, signedMoney, when, words } from './format.ts';
import type { ReportSummary } from './reportTables.ts';

export function printSummary(
  io: Io,
  s: ReportSummary,
  head: string,
  guard: Record<string, { timeframe: string; from?: string; to?: string }>,
): void {
  const b = s.benchmark;
  const row = (label: string, a: string, c = '') => io.out(`  ${label.padEnd(22)} ${a.padStart(14)}  ${c.padStart(14)}`.trimEnd());
  io.out(head);
  io.out(`  ${when(s.from)} → ${when(s.to)} UTC${s.warmupFrom ? ` (indicators warmed up from ${when(s.warmupFrom)}, no trading)` : ''}`);
  row('', 'strategy', 'buy & hold');
  row('Total return', pct(s.totalReturnPct), pct(b.totalReturnPct));
  row('CAGR', pct(s.cagrPct), pct(b.cagrPct));
  row('Max drawdown', share(s.maxDrawdownPct), share(b.maxDrawdownPct));
  row('Sharpe / Sortino', `${ratio(s.sharpe)} / ${ratio(s.sortino)}`, `${ratio(b.sharpe)} / ${ratio(b.sortino)}`);
  row('Calmar', ratio(s.calmar), ratio(b.calmar));
  io.out(
    `  ${money(s.initialCash)} → ${money(s.finalEquity)}; ${fixed(s.trades, 0)} round trips, win rate ${share(s.winRatePct)}, profit factor ${ratio(s.profitFactor)}, fees ${money(s.feesPaid)}`,
  );
  const reasons = Object.entries(s.perExitReason).map(([k, v]) => `${words(k)} ${v.roundTrips} × ${signedMoney(v.realizedPnl)}`);
  if (reasons.length) io.out(`  by exit reason: ${reasons.join('; ')}`);
  if (s.killSwitchAt) io.out(`  kill switch fired ${when(s.killSwitchAt)} UTC`);
  for (const [symbol, g] of Object.entries(guard))
    if (g.from)
      io.out(`  stops ${symbol} checked on ${g.timeframe} candles ${when(g.from)} → ${when(g.to!)}, on decision candles elsewhere`);
  if (s.monteCarlo) {
    const m = s.monteCarlo;
    io.out(
      `  Monte Carlo (${fixed(m.paths, 0)} paths): final equity ${money(String(m.finalEquity.p5))} / ${money(String(m.finalEquity.p50))} / ${money(String(m.finalEquity.p95))} (5th / median / 95th)`,
    );
  }
  if (s.walkForward) {
    const o = s.walkForward.outOfSample;
    const h = s.walkForward.outOfSampleBenchmark;
    io.out(
      `  walk-forward, ${s.walkForward.windows.length} windows out of sample: ${pct(o.totalReturnPct)}, max drawdown ${share(o.maxDrawdownPct)}, ${o.trades} round trips${h ? `; buy & hold ${pct(h.totalReturnPct)}` : ''}`,
    );
  }
}
