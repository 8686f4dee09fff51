/**
 * Performance panel: the numbers come from the domain's summarizeTrades, the same code the
 * backtester reports with. Inputs are the trades the page listens to (the latest 200) and today's
 * equity points; open positions are valued at the tick's mark (marks.ts), like the positions table.
 */
import { summarizeTrades, type MarkedPosition, type PerfTrade } from '../../../functions/src/domain/performance/summarize.ts';
import type { EquityPointView } from '../chartData.ts';
import { h } from '../dom.ts';
import { DASH, fmtNum, fmtPct, signClass, toUnits, unitsToText } from '../format.ts';
import type { PositionPrice } from '../marks.ts';
import type { PositionView, TradeView } from '../views.ts';

export const PERFORMANCE_TRADES = 200;
/** An annualized ratio from a handful of minute returns is noise: shown from this many equity points on. */
const MIN_POINTS_FOR_SHARPE = 30;

function toPerf(t: TradeView): PerfTrade | null {
  const qtyDelta =
    toUnits(t.qtyDelta) ?? (t.side && toUnits(t.qty) !== null ? (t.side === 'buy' ? toUnits(t.qty)! : -toUnits(t.qty)!) : null);
  const fee = toUnits(t.fee);
  const pnl = toUnits(t.realizedPnl);
  if (!t.symbol || !t.side || t.time === null || qtyDelta === null || fee === null || pnl === null) return null;
  return { symbol: t.symbol, side: t.side, qtyDelta, fee, realizedPnl: pnl, time: t.time };
}

function money(u: bigint | null, signed = false): [string, string] {
  return u === null ? [DASH, ''] : [unitsToText(u, 2, signed), signed ? signClass(u > 0n ? 1 : u < 0n ? -1 : 0) : ''];
}

function cell(label: string, [value, cls]: [string, string], testid: string, units?: bigint): HTMLElement {
  const data = units === undefined ? undefined : { units: String(units) };
  return h('div', { class: 'stat' }, h('span', { class: 'label' }, label), h('span', { class: `value num ${cls}`, testid, data }, value));
}

export function renderPerformance(
  root: HTMLElement,
  trades: readonly TradeView[],
  equity: readonly EquityPointView[],
  positions: readonly PositionView[],
  mark: (p: PositionView) => PositionPrice,
): void {
  const perf = trades.map(toPerf).filter((t): t is PerfTrade => t !== null);
  const points = equity.flatMap((p) => {
    const u = toUnits(p.equity);
    return u === null ? [] : [{ time: p.time, equity: u }];
  });
  const marked = positions.flatMap((p): MarkedPosition[] => {
    const qty = toUnits(p.qty);
    const entry = toUnits(p.entryPrice);
    const price = toUnits(mark(p).price);
    return qty === null || entry === null || price === null ? [] : [{ qty, entryPrice: entry, markPrice: price }];
  });
  const s = summarizeTrades(perf, points, marked);
  const ratio = (n: number | null, dp = 2): [string, string] => [n === null ? DASH : n === Infinity ? '∞' : fmtNum(n, dp), ''];
  const pct = (n: number | null): [string, string] => [n === null ? DASH : fmtPct(n * 100, 1), ''];
  root.replaceChildren(
    h(
      'div',
      { class: 'stats perf-grid' },
      cell('Realized PnL', money(s.realizedPnl, true), 'perf-realized'),
      cell('Unrealized PnL', money(s.unrealizedPnl, true), 'perf-unrealized', s.unrealizedPnl),
      cell('Win rate', [s.winRate === null ? DASH : `${fmtPct(s.winRate * 100, 0)} of ${s.closedTrades}`, ''], 'perf-winrate'),
      cell('Profit factor', ratio(s.profitFactor), 'perf-pf'),
      cell('Avg win', money(s.avgWin, true), 'perf-avgwin'),
      cell('Avg loss', money(s.avgLoss, true), 'perf-avgloss'),
      cell(
        'Max drawdown (today)',
        [
          s.peakEquity === null ? DASH : `${fmtPct(s.maxDrawdownPct * 100)} (${unitsToText(s.maxDrawdown, 2)})`,
          s.maxDrawdown > 0n ? 'neg' : '',
        ],
        'perf-maxdd',
      ),
      cell('Fees', money(s.feesPaid), 'perf-fees'),
      cell('Exposure (today)', pct(s.exposure), 'perf-exposure'),
      cell('Sharpe (ann.)', points.length >= MIN_POINTS_FOR_SHARPE ? ratio(s.sharpe) : [DASH, ''], 'perf-sharpe'),
    ),
    h(
      'div',
      { class: 'muted small' },
      trades.length >= PERFORMANCE_TRADES ? `Over the latest ${PERFORMANCE_TRADES} trades.` : `Over all ${trades.length} trades.`,
    ),
  );
}
