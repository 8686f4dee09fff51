/**
 * The 20 most recent trades (orderBy time desc): the paper ledger. A closing trade shows its round
 * trip's duration and profit % (domain roundTrips over the trades the page holds).
 */
import { roundTrips, type RoundTrip } from '../../../functions/src/domain/performance/roundTrips.ts';
import { h, table, td } from '../dom.ts';
import {
  DASH,
  OFFLINE_EMPTY,
  amountSign,
  fmtAmount,
  fmtDecimal,
  fmtDuration,
  fmtMarketAmount,
  fmtPct,
  fmtTime,
  humanize,
  isoTime,
  signClass,
  toUnits,
  unitsToText,
} from '../format.ts';
import type { TradeView } from '../views.ts';
import { sideBadge } from './signals.ts';

/** Round trips by closing trade id, from the trades whose ledger fields are readable. */
export function tradeTrips(trades: readonly TradeView[]): Map<string, RoundTrip> {
  return roundTrips(
    trades.flatMap((t) => {
      const [cashDelta, qtyDelta, realizedPnl] = [toUnits(t.cashDelta), toUnits(t.qtyDelta), toUnits(t.realizedPnl)];
      return t.seq === null || !t.symbol || !t.side || t.time === null || cashDelta === null || qtyDelta === null || realizedPnl === null
        ? []
        : [{ id: t.id, seq: t.seq, symbol: t.symbol, side: t.side, cashDelta, qtyDelta, realizedPnl, time: t.time }];
    }),
  );
}

function row(t: TradeView, trip: RoundTrip | undefined): HTMLTableRowElement {
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
    td(
      trip ? fmtPct(trip.profitPct * 100, 2) : DASH,
      `num ${trip ? signClass(Math.sign(trip.profitPct)) : 'muted'}`,
      trip ? `realized ÷ cost of the entry (${unitsToText(trip.cost, 2)})` : '',
    ),
    td(trip ? fmtDuration(trip.durationMs) : DASH, `num ${trip ? '' : 'muted'}`),
    dusty
      ? td(
          `${humanize(t.reason)} · dust ${t.dust} written off`,
          'dust',
          `${t.dust} of the base asset was under one amount step: it stayed on the exchange and was written off`,
        )
      : td(humanize(t.reason)),
  );
}

/** `shown` rows of `trades`; the round trips are found over all of `trades`. */
export function renderTrades(root: HTMLElement, trades: TradeView[], shown: number, offline = false): void {
  const trips = tradeTrips(trades);
  root.replaceChildren(
    table(
      ['Time (UTC)', 'Symbol', 'Side', 'Qty', 'Price', 'Fee', 'Realized', 'Profit %', 'Held', 'Reason'],
      trades.slice(0, shown).map((t) => row(t, trips.get(t.id))),
      {
        testid: 'trades-list',
        empty: offline ? OFFLINE_EMPTY : 'No trades yet.',
        numericFrom: 3,
      },
    ),
  );
}
