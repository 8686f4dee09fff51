import type { Amount } from './money.ts';
import type { Timeframe } from './candle.ts';

export const SYSTEM_MODES = ['NORMAL', 'OBSERVATION', 'REDUCING', 'PAUSED', 'KILLED'] as const;
/**
 * NORMAL trades. OBSERVATION computes and records signals but places no orders.
 * REDUCING is "exits only", raised automatically by a protection (reconciliation drift today):
 * no entries, every exit and protective exit still runs. PAUSED and KILLED ingest only: no entries;
 * protective exits still run (a pause must never leave a position without its stop), and KILLED
 * keeps the book flat. Precedence and transitions: domain/mode.ts.
 */
export type SystemMode = (typeof SYSTEM_MODES)[number];

export type Side = 'buy' | 'sell';

/** `inbound_exit` / `inbound_entry`: a signed alert from outside (services/inboundSignal.ts); `strategy_*`: a strategy's own reason. */
export const EXIT_REASONS = [
  'regime_exit',
  'stop_loss',
  'take_profit',
  'trailing_stop',
  'kill_switch',
  'manual',
  'inbound_exit',
  'strategy_exit',
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];
export const ENTRY_REASONS = ['regime_entry', 'benchmark_entry', 'inbound_entry', 'strategy_entry'] as const;
export type EntryReason = (typeof ENTRY_REASONS)[number];
export type SignalReason = EntryReason | ExitReason;

/** What a strategy returns. A strategy never sizes or places an order. */
export type Advice =
  /**
   * `size`: a fraction (0, 1] of the risk-based size (the strategy's size hook); the risk caps still apply and it never grows.
   * `stop`, `target`: the strategy's own stop-loss and take-profit distances from the fill, in ATRs (the stop hook): the
   * stop may only be tighter than config/bot.risk's (the risk's always wins), the target anywhere in (0, 100] ATRs.
   */
  | {
      readonly action: 'enter_long';
      readonly reason: EntryReason;
      readonly size?: number;
      readonly stop?: number;
      readonly target?: number;
    }
  | { readonly action: 'exit'; readonly reason: ExitReason }
  | { readonly action: 'hold' };

/** A trading signal as published on Pub/Sub and stored in signals/{id}. */
export interface Signal {
  /** deterministic: hash(strategyVersion, symbol, timeframe, candleTime, side) */
  readonly id: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** open time of the closed candle that produced the signal */
  readonly candleTime: number;
  readonly side: Side;
  readonly reason: SignalReason;
  /** the price the fill is based on: the close of the signal's candle (for every reason, protective exits included) */
  readonly refPrice: Amount;
  /** ATR at the signal candle, used to size entries and place stops */
  readonly atr: Amount;
  /**
   * Base quantity, decided by the tick from the book it read: an entry's size, or the whole
   * position for an exit. The executor may shrink or refuse it, never grow it.
   */
  readonly qty: Amount;
  readonly strategyVersion: string;
  readonly createdAt: number;
  /** entries: the strategy's own stop distance from the fill, in basis points of ATR (tighter than the risk's only) */
  readonly stopAtrBps?: number;
  /** entries: the strategy's own take-profit distance from the fill, in basis points of ATR */
  readonly targetAtrBps?: number;
}

export interface Fill {
  readonly price: Amount;
  readonly qty: Amount;
  /** qty × price, before fees */
  readonly notional: Amount;
  /** in quote currency, always ≥ 0 */
  readonly fee: Amount;
  /**
   * Sell only: base quantity held but below the exchange's amount step, so it could not be sold
   * (what a base-asset buy fee leaves). Written off with this fill; see applyFill's dust policy.
   */
  readonly dust?: Amount;
}

export interface Position {
  readonly symbol: string;
  readonly qty: Amount;
  readonly entryPrice: Amount;
  /** close time of the decision candle (signal.candleTime + timeframe): deterministic in both drivers */
  readonly entryTime: number;
  /**
   * End (exclusive) of the span already checked against the stops: a candle of any timeframe is
   * checked when it ends after this. Starts at entryTime; the tick's guard moves it candle by candle.
   */
  readonly checkedUntil: number;
  /** cash that left the wallet to open it: notional + fee */
  readonly costBasis: Amount;
  readonly stopLoss: Amount;
  readonly takeProfit: Amount;
  /** null until price has moved enough to arm the trailing stop */
  readonly trailingStop: Amount | null;
  /** highest high since entry; drives the trailing stop */
  readonly highWater: Amount;
  readonly openTradeId: string;
  /** last mark-to-market price */
  readonly lastPrice: Amount;
}

export interface Wallet {
  readonly initialCash: Amount;
  readonly cash: Amount;
  readonly realizedPnl: Amount;
  readonly feesPaid: Amount;
  /** the sequence number of the last trade booked (0 before the first): the ledger's length */
  readonly tradeSeq: number;
  /** cash + Σ qty × lastPrice at the last mark */
  readonly equity: Amount;
  readonly peakEquity: Amount;
  /** UTC day (yyyymmdd) that dayStartEquity belongs to */
  readonly day: string;
  readonly dayStartEquity: Amount;
}

/** The likely cause of a difference between the exchange and the ledger (domain/reconcile). */
export const DRIFT_CAUSES = ['manual_sell', 'unbooked_fill', 'deposit', 'withdrawal'] as const;
export type DriftCause = (typeof DRIFT_CAUSES)[number];

/** Why a reconciliation moved the ledger: the exchange's evidence and the operator's confirmation. */
export interface AdjustmentEvidence {
  readonly cause: DriftCause;
  /** the asset adjusted (BTC, USDT…) */
  readonly asset: string;
  /** what the exchange held (free + locked) and what the ledger held before the entry */
  readonly exchange: Amount;
  readonly ledger: Amount;
  /** the operator's reason, as given to `eagle reconcile --confirm --reason` */
  readonly note: string;
  readonly by: string;
}

/**
 * Append-only ledger entry: one per fill, or one per asset a confirmed reconciliation adjusted
 * (reason 'adjustment', with its evidence; fee and realized PnL 0). Replaying cashDelta/qtyDelta
 * reproduces wallet and positions.
 */
export interface Trade {
  readonly id: string;
  /** booking order in the ledger: 1, 2, 3… with no gaps (the wallet's tradeSeq after booking it) */
  readonly seq: number;
  readonly signalId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly reason: SignalReason | 'adjustment';
  readonly qty: Amount;
  readonly price: Amount;
  readonly fee: Amount;
  /** present exactly when reason is 'adjustment' */
  readonly adjustment?: AdjustmentEvidence;
  /** signed change of wallet cash */
  readonly cashDelta: Amount;
  /** signed change of the position quantity: a closing sell's is −(qty + dust) */
  readonly qtyDelta: Amount;
  /** base quantity written off as dust by a closing sell; absent when none */
  readonly dust?: Amount;
  /** realized PnL of a closing trade (net of both fees); 0 for an opening trade */
  readonly realizedPnl: Amount;
  readonly time: number;
}
