/** Open positions: one row per positions/{id}; unrealized PnL is exact bigint arithmetic. */
import { badge, h, table, td, marketToWall } from '../dom.ts';
import { DASH, OFFLINE_EMPTY, fmtDecimal, isoTime, signClass, unitsToText, unrealizedUnits } from '../format.ts';
import type { PositionView } from '../parse.ts';

function row(p: PositionView): HTMLTableRowElement {
  const u = unrealizedUnits(p.qty, p.entryPrice, p.lastPrice);
  const s = u === null || u === 0n ? 0 : u > 0n ? 1 : -1;
  return h(
    'tr',
    { data: { id: p.id } },
    td(p.symbol, 'sym'),
    td(fmtDecimal(p.qty, 0), 'num', p.qty ?? ''),
    td(fmtDecimal(p.entryPrice), 'num', p.entryPrice ?? ''),
    td(fmtDecimal(p.lastPrice), 'num', p.lastPrice ?? ''),
    td(u === null ? DASH : unitsToText(u, 2, true), `num ${signClass(s)}`),
    td(fmtDecimal(p.stopLoss), 'num neg-soft', p.stopLoss ?? ''),
    td(fmtDecimal(p.takeProfit), 'num pos-soft', p.takeProfit ?? ''),
    td(p.trailingStop === null ? badge('not armed', 'muted-badge') : fmtDecimal(p.trailingStop), 'num'),
    td(h('span', { ageOf: marketToWall(p.entryTime), title: isoTime(p.entryTime) }), 'num'),
  );
}

export function renderPositions(root: HTMLElement, positions: PositionView[], offline = false): void {
  const sorted = [...positions].sort((a, b) => a.symbol.localeCompare(b.symbol));
  root.replaceChildren(
    table(
      ['Symbol', 'Qty', 'Entry', 'Last', 'Unrealized', 'Stop', 'Take profit', 'Trailing', 'Opened'],
      sorted.map(row),
      { testid: 'positions-table', empty: offline ? OFFLINE_EMPTY : 'No open positions (flat).', numericFrom: 1 },
    ),
  );
}
