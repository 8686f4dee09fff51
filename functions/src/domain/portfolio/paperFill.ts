/**
 * The paper broker's price model. Every rounding goes against the bot: a buy pays the slipped
 * price rounded up, a sell receives it rounded down, and fees round up. So paper results can only
 * be slightly worse than exact arithmetic, never better.
 */
import { applyBps, mul, type Amount } from '../money.ts';
import type { Fill, Side } from '../trading.types.ts';
import { InvariantError } from './invariantError.ts';

export interface PaperFillInput {
  readonly side: Side;
  readonly refPrice: Amount;
  readonly qty: Amount;
  readonly feeBps: number;
  readonly slippageBps: number;
}

/** refPrice moved against us by slippageBps: up for a buy, down for a sell. */
export function slippedPrice(side: Side, refPrice: Amount, slippageBps: number): Amount {
  if (refPrice <= 0n) throw new InvariantError(`refPrice must be > 0, got ${refPrice}`);
  if (slippageBps < 0 || slippageBps >= 10_000) throw new InvariantError(`slippageBps out of range: ${slippageBps}`);
  return side === 'buy' ? applyBps(refPrice, 10_000 + slippageBps, 'up') : applyBps(refPrice, 10_000 - slippageBps, 'down');
}

export function paperFill({ side, refPrice, qty, feeBps, slippageBps }: PaperFillInput): Fill {
  if (qty <= 0n) throw new InvariantError(`fill qty must be > 0, got ${qty}`);
  if (feeBps < 0) throw new InvariantError(`feeBps must be ≥ 0, got ${feeBps}`);
  const price = slippedPrice(side, refPrice, slippageBps);
  const notional = mul(qty, price, side === 'buy' ? 'up' : 'down');
  const fee = applyBps(notional, feeBps, 'up');
  return { price, qty, notional, fee };
}

/** Signed change of wallet cash for a fill: a buy pays notional + fee, a sell receives notional − fee. */
export function cashDelta(side: Side, fill: Fill): Amount {
  return side === 'buy' ? -(fill.notional + fill.fee) : fill.notional - fill.fee;
}
