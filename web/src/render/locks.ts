/** The protections' locks in force (status/system.protections): entries wait on their scope; stops still run. */
import { h, table, td } from '../dom.ts';
import { OFFLINE_EMPTY, isoTime } from '../format.ts';
import type { LockRow } from '../views.ts';

function row(l: LockRow): HTMLTableRowElement {
  return h(
    'tr',
    { data: { lock: l.id } },
    td(l.scope, 'sym'),
    td(l.protection),
    td(isoTime(l.until), 'num'),
    td(l.reason, 'msg', l.reason),
  );
}

export function renderLocks(root: HTMLElement, locks: LockRow[] | null, offline = false): void {
  root.replaceChildren(
    table(['Locked', 'Protection', 'Until', 'Why'], (locks ?? []).map(row), {
      testid: 'locks-list',
      empty: offline ? OFFLINE_EMPTY : 'No locks: entries open on every symbol.',
    }),
  );
}
