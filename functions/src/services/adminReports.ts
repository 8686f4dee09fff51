/**
 * The command set's read actions (`status`, `positions`, `profit`, `daily|weekly|monthly`,
 * `performance`, `trades`, `locks`): every figure comes from the stored book, the daily rollups and
 * the ledger through domain/performance, the same computations the dashboard and the backtester use.
 */
import { toAmount, type Amount } from '../domain/money.ts';
import { horizonStartDay, inHorizon, summarizeDays, unrealizedPnl, type HORIZONS } from '../domain/performance/index.ts';
import { performanceBySymbol, periodReports, periodsFromDay, type PeriodUnit } from '../domain/performance/periods.ts';
import { utcDay } from '../domain/wallet.ts';
import { parseBotConfig } from '../config/load.ts';
import type { StateStore } from '../ports/state.ts';
import type { OpsStore } from '../ports/ops.ts';
import type { PROFIT_PERIODS } from './adminActions.ts';
import { locksOf } from './adminLocks.ts';

export interface ReportDeps {
  store: StateStore;
  ops: Pick<OpsStore, 'readStatusDoc'>;
  marketNow: () => Promise<number>;
}

/** `performance` reads at most this many of the newest trades (one query); the answer says when it was cut. */
export const PERFORMANCE_TRADES = 5000;

const HORIZON_OF = { '1d': '1D', '7d': '1W', '30d': '1M', all: 'All' } as const satisfies Record<
  (typeof PROFIT_PERIODS)[number],
  (typeof HORIZONS)[number]
>;

async function bookNow(deps: ReportDeps) {
  const config = parseBotConfig(await deps.store.getBotConfigDoc());
  const now = await deps.marketNow();
  return { now, book: await deps.store.getBook(toAmount(config.paper.initialCash), now) };
}

const pct = (part: Amount, whole: Amount): number | null => (whole === 0n ? null : Number(part) / Number(whole));

export async function statusReport(deps: ReportDeps) {
  const [{ now, book }, status, raw] = await Promise.all([bookNow(deps), deps.store.getStatus(), deps.ops.readStatusDoc()]);
  const w = book.wallet;
  return {
    mode: book.mode,
    modeReason: status?.modeReason ?? null,
    marketTime: now,
    lastTickAt: status?.lastTickAt ?? null,
    lastTickLatencyMs: status?.lastTickLatencyMs ?? null,
    equity: w.equity,
    cash: w.cash,
    initialCash: w.initialCash,
    realizedPnl: w.realizedPnl,
    fees: w.feesPaid,
    drawdownPct: pct(w.peakEquity - w.equity, w.peakEquity),
    openPositions: Object.keys(book.positions).length,
    locks: locksOf(status, raw?.schedulerPaused === true, now),
    markets: Object.values(status?.markets ?? {}).map((m) => ({ symbol: m.symbol, price: m.price, regime: m.regime, stale: m.stale })),
  };
}

export async function positionsReport(deps: ReportDeps) {
  const { book } = await bookNow(deps);
  return {
    positions: Object.values(book.positions).map((p) => {
      const pnl = unrealizedPnl({ qty: p.qty, entryPrice: p.entryPrice, markPrice: p.lastPrice });
      return {
        symbol: p.symbol,
        qty: p.qty,
        entryPrice: p.entryPrice,
        entryTime: p.entryTime,
        lastPrice: p.lastPrice,
        unrealizedPnl: pnl,
        unrealizedPct: pct(pnl, p.costBasis),
        stopLoss: p.stopLoss,
        takeProfit: p.takeProfit,
        trailingStop: p.trailingStop,
      };
    }),
  };
}

export async function profitReport(deps: ReportDeps, period: keyof typeof HORIZON_OF) {
  const { now, book } = await bookNow(deps);
  const horizon = HORIZON_OF[period];
  const rollups = (await deps.store.loadRollups(horizonStartDay(horizon, now))).filter((r) => inHorizon(horizon, now, r.day));
  return { period, from: rollups[0]?.day ?? utcDay(now), through: utcDay(now), equity: book.wallet.equity, ...summarizeDays(rollups) };
}

export async function periodsReport(deps: ReportDeps, unit: PeriodUnit, n: number) {
  const now = await deps.marketNow();
  const rollups = await deps.store.loadRollups(periodsFromDay(unit, n, now));
  return { unit, periods: periodReports(rollups, unit, n, now) };
}

export async function performanceReport(deps: ReportDeps) {
  const trades = await deps.store.recentTrades(PERFORMANCE_TRADES);
  return { trades: trades.length, truncated: trades.length === PERFORMANCE_TRADES, symbols: performanceBySymbol(trades) };
}

export async function tradesReport(deps: ReportDeps, n: number) {
  const trades = await deps.store.recentTrades(n);
  return {
    trades: trades.map(({ seq, id, symbol, side, reason, qty, price, fee, realizedPnl, time }) => ({
      seq,
      id,
      symbol,
      side,
      reason,
      qty,
      price,
      fee,
      realizedPnl,
      time,
    })),
  };
}

export async function locksReport(deps: ReportDeps) {
  const [now, status, raw] = await Promise.all([deps.marketNow(), deps.store.getStatus(), deps.ops.readStatusDoc()]);
  return { locks: locksOf(status, raw?.schedulerPaused === true, now) };
}
