/**
 * The executor's gatekeeper, the same in executeOrder and the backtester. It re-checks every gate
 * against the book read in the same transaction — never trusting what the tick saw — and may
 * shrink an entry or refuse an order, never grow it. Time-dependent gates use the decision time
 * (the signal candle's close), so a late delivery is judged as of when the decision was made.
 * Gate order is stable so a rejection reason is deterministic.
 */
import { timeframeMs } from '../candle.ts';
import { modeAllows } from '../mode.ts';
import type { Amount } from '../money.ts';
import { riskLimits } from '../risk/limits.ts';
import { capEntry, type SizeLimit, type SizeRejectReason } from '../risk/sizing.ts';
import type { Signal } from '../trading.types.ts';
import { utcDay } from '../wallet.ts';
import type { Book, OrderContext } from './book.ts';

export type OrderRejectReason =
  | 'mode_disallows_entry'
  | 'mode_disallows_exit'
  | 'kill_switch'
  | 'entries_paused'
  | 'daily_loss_limit'
  | 'position_open'
  | 'max_open_positions'
  | 'no_position'
  | 'qty_mismatch'
  | 'no_market_rules'
  | SizeRejectReason;

export type OrderPlan =
  | { readonly kind: 'rejected'; readonly reason: OrderRejectReason; readonly detail: string }
  | { readonly kind: 'order'; readonly qty: Amount; readonly limitedBy: SizeLimit | 'close_position' };

const rejected = (reason: OrderRejectReason, detail: string): OrderPlan => ({ kind: 'rejected', reason, detail });

/** When the decision was made: the close of the signal's candle. */
export const decisionTime = (signal: Signal): number => signal.candleTime + timeframeMs(signal.timeframe);

export function planOrder(book: Book, signal: Signal, ctx: OrderContext): OrderPlan {
  const { mode, wallet, positions } = book;
  const held = positions[signal.symbol];
  const at = decisionTime(signal);

  if (signal.side === 'sell') {
    if (!modeAllows(mode, 'exit')) return rejected('mode_disallows_exit', `mode ${mode} places no orders`);
    if (!held) return rejected('no_position', `no open position in ${signal.symbol}`);
    // A sell closes the whole position it was decided for; any other quantity is a stale or forged signal.
    if (signal.qty !== held.qty) return rejected('qty_mismatch', `signal qty ${signal.qty} ≠ position ${held.qty}`);
    return { kind: 'order', qty: held.qty, limitedBy: 'close_position' };
  }

  if (!modeAllows(mode, 'entry')) return rejected('mode_disallows_entry', `mode ${mode} allows no entries`);
  const limits = riskLimits(wallet, ctx.risk);
  if (limits.killSwitch)
    return rejected('kill_switch', `drawdown ${limits.drawdownPct.toFixed(2)} % > ${ctx.risk.killSwitchDrawdownPct} %`);
  if (book.entriesPausedUntil !== null && at < book.entriesPausedUntil) {
    return rejected('entries_paused', `entries paused until ${new Date(book.entriesPausedUntil).toISOString()}`);
  }
  // The wallet's day figures only count on that same day; a new day starts fresh at its first mark.
  if (limits.dailyLossHit && wallet.day === utcDay(at)) {
    return rejected('daily_loss_limit', `day change ${limits.dayChangePct.toFixed(2)} % beyond −${ctx.risk.dailyLossLimitPct} %`);
  }
  if (held) return rejected('position_open', `already long ${signal.symbol}`);
  const open = Object.keys(positions).length;
  if (open >= ctx.risk.maxOpenPositions) return rejected('max_open_positions', `${open} open ≥ ${ctx.risk.maxOpenPositions}`);

  if (!ctx.rules) return rejected('no_market_rules', `the exchange lists no rules for ${signal.symbol}`);
  const size = capEntry(
    {
      equity: wallet.equity,
      cash: wallet.cash,
      refPrice: signal.refPrice,
      atr: signal.atr,
      risk: ctx.risk,
      rules: ctx.rules,
      feeBps: ctx.feeBps,
      slippageBps: ctx.slippageBps,
    },
    signal.qty,
  );
  if (!size.ok) return rejected(size.reason, size.detail);
  return { kind: 'order', qty: size.qty, limitedBy: size.limitedBy };
}
