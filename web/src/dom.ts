/** Tiny DOM helpers. All text goes through textContent: document data is never parsed as HTML. */

import { DASH, fmtAge } from './format.ts';

export interface Props {
  class?: string;
  testid?: string;
  title?: string;
  /** epoch ms: the 1 s clock keeps this element's text as a relative age ("12s ago") */
  ageOf?: number | null;
  data?: Record<string, string>;
}

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.testid) el.dataset.testid = props.testid;
  if (props.title) el.title = props.title;
  if (props.ageOf !== undefined) {
    el.dataset.ageOf = props.ageOf === null ? '' : String(props.ageOf);
    el.classList.add('age');
    el.textContent = fmtAge(props.ageOf, Date.now());
  }
  for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c);
  }
  return el;
}

/** The element with this id; throws at start-up if index.html lacks it (a programming error). */
export function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el;
}

/** A table with a header row; `rows` empty → one "empty" row spanning all columns. */
export function table(
  headers: string[],
  rows: HTMLTableRowElement[],
  opts: { testid?: string; empty: string; numericFrom?: number },
): HTMLTableElement {
  const head = h(
    'tr',
    {},
    ...headers.map((t, i) => h('th', { class: opts.numericFrom !== undefined && i >= opts.numericFrom ? 'num' : '' }, t)),
  );
  const body = h('tbody', { testid: opts.testid });
  if (rows.length === 0) {
    const td = h('td', { class: 'empty' }, opts.empty);
    td.colSpan = headers.length;
    body.append(h('tr', {}, td));
  } else {
    // Labels for the phone layout, where the header row is hidden and each cell names itself.
    for (const r of rows) [...r.cells].forEach((c, i) => (c.dataset.label = headers[i] ?? ''));
    body.append(...rows);
  }
  return h('table', { class: 'grid' }, h('thead', {}, head), body);
}

/** A cell; `cls` e.g. "num pos". */
export function td(text: string | Node | null, cls = '', title = ''): HTMLTableCellElement {
  return h('td', { class: cls, title }, text ?? DASH);
}

/** A small coloured pill. */
export function badge(text: string, cls: string, testid?: string): HTMLSpanElement {
  return h('span', { class: `badge ${cls}`, testid }, text);
}

let marketOffsetMs = 0;

/**
 * Candle and market timestamps are in market time, which a replay shifts (and speeds up) against
 * the wall clock. Their ages are taken against the market clock seen at the last tick, so a
 * replayed candle reads "1m ago", not "3 years ago".
 */
export function setMarketClock(lastTickAt: number | null, marketTime: number | null): void {
  marketOffsetMs = lastTickAt !== null && marketTime !== null ? lastTickAt - marketTime : 0;
}

export function marketToWall(t: number | null): number | null {
  return t === null ? null : t + marketOffsetMs;
}

/** Writes relative ages into every element that carries data-age-of. */
export function refreshAges(now: number): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-age-of]')) {
    const raw = el.dataset.ageOf;
    el.textContent = fmtAge(raw ? Number(raw) : null, now);
  }
}
