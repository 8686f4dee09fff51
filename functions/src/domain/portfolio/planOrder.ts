/**
 * The executor's gatekeeper. It re-checks every gate against the state read in the same
 * transaction — never trusting what the tick saw when it emitted the signal — and sizes entries.
 * Gate order is stable so a rejection reason is deterministic.
 */
import { modeAllows } from '../mode.ts';
import type { Amount } from '../money.ts';
import { riskLimits } from '../risk/limits.ts';
import { sizeEntry, type SizeLimit, type SizeRejectReason } from '../risk/sizing.ts';
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
  | SizeRejectReason;

export type OrderPlan =
  | { readonly kind: 'rejected'; readonly reason: OrderRejectReason; readonly detail: string }
  | { readonly kind: 'order'; readonly qty: Amount; readonly limitedBy: SizeLimit | 'close_position' };

const rejected = (reason: OrderRejectReason, detail: string): OrderPlan => ({ kind: 'rejected', reason, detail });

export function planOrder(book: Book, signal: Signal, ctx: OrderContext, now: number): OrderPlan {
  const { mode, wallet, positions } = book;
  const held = positions[signal.symbol];

  if (signal.side === 'sell') {
    if (!modeAllows(mode, 'exit')) return rejected('mode_disallows_exit', `mode ${mode} places no orders`);
    if (!held) return rejected('no_position', `no open position in ${signal.symbol}`);
    // A sell always closes the whole position. No min-notional check: never trap a position.
    return { kind: 'order', qty: held.qty, limitedBy: 'close_position' };
  }

  if (!modeAllows(mode, 'entry')) return rejected('mode_disallows_entry', `mode ${mode} allows no entries`);
  const limits = riskLimits(wallet, ctx.risk);
  if (limits.killSwitch) return rejected('kill_switch', `drawdown ${limits.drawdownPct.toFixed(2)} % > ${ctx.risk.killSwitchDrawdownPct} %`);
  if (book.entriesPausedUntil !== null && now < book.entriesPausedUntil) {
    return rejected('entries_paused', `entries paused until ${new Date(book.entriesPausedUntil).toISOString()}`);
  }
  // The wallet's day figures only count on that same day; a new day starts fresh at its first mark.
  if (limits.dailyLossHit && wallet.day === utcDay(now)) {
    return rejected('daily_loss_limit', `day change ${limits.dayChangePct.toFixed(2)} % beyond −${ctx.risk.dailyLossLimitPct} %`);
  }
  if (held) return rejected('position_open', `already long ${signal.symbol}`);
  const open = Object.keys(positions).length;
  if (open >= ctx.risk.maxOpenPositions) return rejected('max_open_positions', `${open} open ≥ ${ctx.risk.maxOpenPositions}`);

  const size = sizeEntry({
    equity: wallet.equity,
    cash: wallet.cash,
    refPrice: signal.refPrice,
    atr: signal.atr,
    risk: ctx.risk,
    rules: ctx.rules,
    feeBps: ctx.feeBps,
    slippageBps: ctx.slippageBps,
  });
  if (!size.ok) return rejected(size.reason, size.detail);
  return { kind: 'order', qty: size.qty, limitedBy: size.limitedBy };
}
