/** The 10 most recent alerts (orderBy createdAt desc). */
import { badge, h, table, td } from '../dom.ts';
import { DASH, OFFLINE_EMPTY, fmtTime, humanize, isoTime } from '../format.ts';
import type { AlertView } from '../parse.ts';

function row(a: AlertView): HTMLTableRowElement {
  return h(
    'tr',
    { class: `alert-${a.severityClass}`, data: { id: a.id } },
    td(fmtTime(a.createdAt), 'time', isoTime(a.createdAt)),
    td(badge((a.severity ?? DASH).toUpperCase(), `sev sev-${a.severityClass}`)),
    td(humanize(a.kind)),
    td(a.symbol ?? '', 'sym'),
    td(a.message, 'msg', a.message ?? ''),
  );
}

export function renderAlerts(root: HTMLElement, alerts: AlertView[], offline = false): void {
  root.replaceChildren(
    table(['Time (UTC)', 'Severity', 'Kind', 'Symbol', 'Message'], alerts.map(row), {
      testid: 'alerts-list',
      empty: offline ? OFFLINE_EMPTY : 'No alerts.',
    }),
  );
}
