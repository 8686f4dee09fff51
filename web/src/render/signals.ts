/** The 20 most recent signals (orderBy createdAt desc). */
import { badge, h, table, td } from '../dom.ts';
import { DASH, OFFLINE_EMPTY, fmtMarketAmount, fmtTime, humanize, isoTime } from '../format.ts';
import type { SignalView } from '../views.ts';

export function sideBadge(side: 'buy' | 'sell' | null): HTMLElement {
  return side === null ? badge(DASH, 'muted-badge') : badge(side.toUpperCase(), `side-${side}`);
}

function row(s: SignalView): HTMLTableRowElement {
  return h(
    'tr',
    { data: { id: s.id } },
    td(fmtTime(s.createdAt), 'time', isoTime(s.createdAt)),
    td(s.symbol, 'sym'),
    td(sideBadge(s.side)),
    td(humanize(s.reason)),
    td(fmtMarketAmount(s.symbol, s.refPrice), 'num', s.refPrice ?? ''),
    td(fmtTime(s.candleTime), 'time muted', isoTime(s.candleTime)),
  );
}

export function renderSignals(root: HTMLElement, signals: SignalView[], offline = false): void {
  root.replaceChildren(
    table(['Time (UTC)', 'Symbol', 'Side', 'Reason', 'Ref price', 'Candle'], signals.map(row), {
      testid: 'signals-list',
      empty: offline ? OFFLINE_EMPTY : 'No signals yet.',
      numericFrom: 4,
    }),
  );
}
