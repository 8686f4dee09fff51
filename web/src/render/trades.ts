/** The 20 most recent trades (orderBy time desc): the paper ledger. */
import { h, table, td } from '../dom.ts';
import { OFFLINE_EMPTY, amountSign, fmtAmount, fmtDecimal, fmtMarketAmount, fmtTime, humanize, isoTime, signClass } from '../format.ts';
import type { TradeView } from '../views.ts';
import { sideBadge } from './signals.ts';

function row(t: TradeView): HTMLTableRowElement {
  // An opening trade has realizedPnl "0.00000000": show it muted, not as a result.
  const pnlSign = amountSign(t.realizedPnl);
  // A closing sell that could not sell its last fraction of an amount step wrote it off.
  const dusty = amountSign(t.dust) > 0;
  return h(
    'tr',
    { data: { id: t.id } },
    td(fmtTime(t.time), 'time', isoTime(t.time)),
    td(t.symbol, 'sym'),
    td(sideBadge(t.side)),
    td(fmtDecimal(t.qty, 0), 'num', t.qty ?? ''),
    td(fmtMarketAmount(t.symbol, t.price), 'num', t.price ?? ''),
    td(fmtAmount(t.fee, 4), 'num muted', t.fee ?? ''),
    td(fmtAmount(t.realizedPnl, 2, true), `num ${pnlSign === 0 ? 'muted' : signClass(pnlSign)}`, t.realizedPnl ?? ''),
    dusty
      ? td(`${humanize(t.reason)} · dust ${t.dust} written off`, 'dust', `${t.dust} of the base asset was under one amount step: it stayed on the exchange and was written off`)
      : td(humanize(t.reason)),
  );
}

export function renderTrades(root: HTMLElement, trades: TradeView[], offline = false): void {
  root.replaceChildren(
    table(['Time (UTC)', 'Symbol', 'Side', 'Qty', 'Price', 'Fee', 'Realized', 'Reason'], trades.map(row), {
      testid: 'trades-list',
      empty: offline ? OFFLINE_EMPTY : 'No trades yet.',
      numericFrom: 3,
    }),
  );
}
