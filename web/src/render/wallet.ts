/**
 * wallet/paper. Balances are formatted from their 8-decimal strings; differences use exact bigint
 * units. Only the drawdown / return percentages go through Number(), for display.
 */
import { h } from '../dom.ts';
import { DASH, amountSign, fmtAmount, fmtPct, signClass, toUnits, unitsToText } from '../format.ts';
import type { WalletView } from '../views.ts';

function row(label: string, value: string, cls = '', testid?: string, title = ''): HTMLElement {
  return h(
    'div',
    { class: 'kv-row' },
    h('span', { class: 'label' }, label),
    h('span', { class: `value num ${cls}`, testid, title }, value),
  );
}

/** (a − b) / b × 100 for display only; null when either is malformed or b ≤ 0. */
function pctChange(a: string | null, b: string | null): number | null {
  if (a === null || b === null) return null;
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) && y > 0 ? ((x - y) / y) * 100 : null;
}

function sign(u: bigint | null): number {
  return u === null || u === 0n ? 0 : u > 0n ? 1 : -1;
}

export function renderWallet(root: HTMLElement, w: WalletView | null, fromCache = false): void {
  if (w === null) {
    root.replaceChildren(
      h('div', { class: 'empty' }, fromCache ? 'Offline: wallet/paper is not in the local cache.' : 'wallet/paper does not exist yet.'),
      h('div', { class: 'kv-row' }, h('span', { class: 'label' }, 'Equity'), h('span', { testid: 'wallet-equity', class: 'value' }, DASH)),
    );
    return;
  }
  const eq = toUnits(w.equity);
  const init = toUnits(w.initialCash);
  const peak = toUnits(w.peakEquity);
  const sinceStart = eq !== null && init !== null ? eq - init : null;
  const ddUnits = eq !== null && peak !== null ? (peak > eq ? peak - eq : 0n) : null;
  const change = pctChange(w.equity, w.peakEquity);
  const ddPct = change === null ? null : Math.max(0, -change);
  const ret = pctChange(w.equity, w.initialCash);
  const retText = ret === null ? DASH : `${ret > 0 ? '+' : ''}${fmtPct(ret)}`;

  root.replaceChildren(
    h(
      'div',
      { class: 'equity' },
      h('span', { class: 'label' }, 'Equity'),
      h('span', { class: 'big num', testid: 'wallet-equity', title: w.equity ?? 'missing' }, fmtAmount(w.equity)),
      h(
        'span',
        { class: `num small ${signClass(sign(sinceStart))}` },
        sinceStart === null ? DASH : `${unitsToText(sinceStart, 2, true)} (${retText}) since start`,
      ),
    ),
    row('Cash', fmtAmount(w.cash), '', 'wallet-cash', w.cash ?? ''),
    row('Realized PnL', fmtAmount(w.realizedPnl, 2, true), signClass(amountSign(w.realizedPnl)), 'wallet-realized', w.realizedPnl ?? ''),
    row('Fees paid', fmtAmount(w.feesPaid), '', 'wallet-fees', w.feesPaid ?? ''),
    row('Peak equity', fmtAmount(w.peakEquity), '', undefined, w.peakEquity ?? ''),
    row(
      'Drawdown from peak',
      ddPct === null || ddUnits === null ? DASH : `${fmtPct(ddPct)} (${unitsToText(ddUnits, 2)})`,
      ddPct !== null && ddPct > 0 ? 'neg' : '',
      'wallet-drawdown',
    ),
    row('Initial cash', fmtAmount(w.initialCash), 'muted'),
  );
}
