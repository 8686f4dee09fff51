/** The 10 most recent alerts (orderBy createdAt desc). */
import { badge, h, table, td } from '../dom.ts';
import { DASH, OFFLINE_EMPTY, fmtTime, humanize, isoTime } from '../format.ts';
import type { AlertView } from '../views.ts';

function row(a: AlertView, future: boolean): HTMLTableRowElement {
  return h(
    'tr',
    { class: `alert-${a.severityClass}${future ? ' muted' : ''}`, data: { id: a.id } },
    td(
      future ? `${fmtTime(a.createdAt)} (future-dated)` : fmtTime(a.createdAt),
      'time',
      `when the condition began: ${isoTime(a.createdAt)}`,
    ),
    td(badge((a.severity ?? DASH).toUpperCase(), `sev sev-${a.severityClass}`)),
    td(humanize(a.kind)),
    td(a.symbol ?? '', 'sym'),
    td(a.message, 'msg', a.message ?? ''),
  );
}

/** A mistaken far-future tick must not pin its alerts on top: those sink below the real ones, marked. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

export function renderAlerts(root: HTMLElement, alerts: AlertView[], offline: boolean, marketNow: number): void {
  const future = (a: AlertView) => a.createdAt !== null && a.createdAt > marketNow + FUTURE_SLACK_MS;
  const ordered = [...alerts.filter((a) => !future(a)), ...alerts.filter(future)];
  root.replaceChildren(
    table(
      ['Began (UTC)', 'Severity', 'Kind', 'Symbol', 'Message'],
      ordered.map((a) => row(a, future(a))),
      {
        testid: 'alerts-list',
        empty: offline ? OFFLINE_EMPTY : 'No alerts.',
      },
    ),
  );
}
