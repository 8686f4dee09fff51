/** Market-data feeds as reported in status/system.feeds. */
import { badge, h, table, td, marketToWall } from '../dom.ts';
import { OFFLINE_EMPTY, isoTime } from '../format.ts';
import type { Feed } from '../views.ts';

function state(f: Feed): HTMLElement {
  if (f.error) return badge('ERROR', 'sev sev-critical');
  if (f.stale === true) return badge('STALE', 'stale-flag');
  if (f.stale === false) return badge('OK', 'ok-badge');
  return badge('?', 'muted-badge');
}

function row(f: Feed): HTMLTableRowElement {
  return h(
    'tr',
    { data: { symbol: f.symbol } },
    td(f.symbol, 'sym'),
    td(state(f)),
    td(h('span', { ageOf: marketToWall(f.lastCandleAt), title: isoTime(f.lastCandleAt) }), 'num'),
    td(f.error ?? '', 'msg neg', f.error ?? ''),
  );
}

export function renderFeeds(root: HTMLElement, feeds: Feed[] | null, offline = false): void {
  root.replaceChildren(
    table(['Feed', 'State', 'Last candle', 'Error'], (feeds ?? []).map(row), {
      testid: 'feeds-list',
      empty: offline ? OFFLINE_EMPTY : feeds === null ? 'No status document.' : 'No feeds reported.',
    }),
  );
}
