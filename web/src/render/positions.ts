/** Open positions: one row per positions/{id}; unrealized PnL is exact bigint arithmetic. */
import { badge, h, table, td, marketToWall } from '../dom.ts';
import { DASH, OFFLINE_EMPTY, fmtDecimal, fmtMarketAmount, isoTime, signClass, unitsToText, unrealizedUnits } from '../format.ts';
import type { PositionView } from '../parse.ts';

export interface PositionOptions {
  /** the market's current price (8-decimal string), when the position document has no lastPrice */
  markPrice(symbol: string): string | null;
  /** a "close" control per row, for admins */
  close?: (symbol: string) => HTMLElement;
}

function row(p: PositionView, opts: PositionOptions): HTMLTableRowElement {
  const last = p.lastPrice ?? opts.markPrice(p.symbol);
  const u = unrealizedUnits(p.qty, p.entryPrice, last);
  const s = u === null || u === 0n ? 0 : u > 0n ? 1 : -1;
  return h(
    'tr',
    { data: { id: p.id } },
    td(p.symbol, 'sym'),
    td(fmtDecimal(p.qty, 0), 'num', p.qty ?? ''),
    td(fmtMarketAmount(p.symbol, p.entryPrice), 'num', p.entryPrice ?? ''),
    td(fmtMarketAmount(p.symbol, last), 'num', last ?? ''),
    td(u === null ? DASH : unitsToText(u, 2, true), `num ${signClass(s)}`),
    td(fmtMarketAmount(p.symbol, p.stopLoss), 'num neg-soft', p.stopLoss ?? ''),
    td(fmtMarketAmount(p.symbol, p.takeProfit), 'num pos-soft', p.takeProfit ?? ''),
    td(p.trailingStop === null ? badge('not armed', 'muted-badge') : fmtMarketAmount(p.symbol, p.trailingStop), 'num'),
    td(h('span', { ageOf: marketToWall(p.entryTime), title: isoTime(p.entryTime) }), 'num'),
    opts.close ? td(opts.close(p.symbol)) : null,
  );
}

export function renderPositions(root: HTMLElement, positions: PositionView[], offline: boolean, opts: PositionOptions): void {
  const sorted = [...positions].sort((a, b) => a.symbol.localeCompare(b.symbol));
  root.replaceChildren(
    table(
      ['Symbol', 'Qty', 'Entry', 'Last', 'Unrealized', 'Stop', 'Take profit', 'Trailing', 'Opened', ...(opts.close ? [''] : [])],
      sorted.map((p) => row(p, opts)),
      { testid: 'positions-table', empty: offline ? OFFLINE_EMPTY : 'No open positions (flat).', numericFrom: 1 },
    ),
  );
}
