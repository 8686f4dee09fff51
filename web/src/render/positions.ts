/**
 * Open positions: one row per positions/{id}, valued at the tick's mark (marks.ts), the price the
 * account equity and the performance panel use; unrealized PnL by the domain's own rule.
 */
import { unrealizedPnl } from '../../../functions/src/domain/performance/summarize.ts';
import { badge, h, table, td, marketToWall } from '../dom.ts';
import { DASH, OFFLINE_EMPTY, fmtDecimal, fmtMarketAmount, isoTime, signClass, toUnits, unitsToText } from '../format.ts';
import type { PositionPrice } from '../marks.ts';
import type { PositionView } from '../views.ts';

export interface PositionOptions {
  /** the price every panel values this position at */
  mark(p: PositionView): PositionPrice;
  /** a "close" control per row, for admins */
  close?: (symbol: string) => HTMLElement;
}

const SOURCE_TEXT = {
  tick: "the last tick's mark",
  market: 'latest close; no tick has marked this position yet',
  fill: 'fill price; no market price yet',
} as const;

function row(p: PositionView, opts: PositionOptions): HTMLTableRowElement {
  const { price: last, source } = opts.mark(p);
  const qty = toUnits(p.qty);
  const entry = toUnits(p.entryPrice);
  const markUnits = toUnits(last);
  const u = qty === null || entry === null || markUnits === null ? null : unrealizedPnl({ qty, entryPrice: entry, markPrice: markUnits });
  const s = u === null || u === 0n ? 0 : u > 0n ? 1 : -1;
  return h(
    'tr',
    { data: { id: p.id } },
    td(p.symbol, 'sym'),
    td(fmtDecimal(p.qty, 0), 'num', p.qty ?? ''),
    td(fmtMarketAmount(p.symbol, p.entryPrice), 'num', p.entryPrice ?? ''),
    td(fmtMarketAmount(p.symbol, last), `num mark-${source}`, `${last ?? ''} (${SOURCE_TEXT[source]})`),
    h(
      'td',
      { class: `num ${signClass(s)}`, testid: `position-unrealized-${p.id}`, data: { units: u === null ? '' : String(u) } },
      u === null ? DASH : unitsToText(u, 2, true),
    ),
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
