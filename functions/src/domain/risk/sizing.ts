/**
 * Entry sizing: how much to buy so that hitting the initial stop costs riskPerTradePct of equity,
 * then capped by the per-symbol exposure limit and by the cash actually available (fees and
 * slippage included), floored to the exchange's amount step, and refused below min notional.
 */
import type { RiskParams } from './params.ts';
import { applyBps, div, floorToStep, minAmount, type Amount } from '../money.ts';
import type { Fill, MarketRules } from '../trading.types.ts';
import { cashDelta, paperFill, slippedPrice } from '../portfolio/paperFill.ts';
import { percentOf, times } from './scale.ts';
import { stopDistance } from './stops.ts';

export interface SizeEntryInput {
  /** marked equity: the base of every percentage */
  readonly equity: Amount;
  readonly cash: Amount;
  /** the signal's reference price (candle close) */
  readonly refPrice: Amount;
  readonly atr: Amount;
  readonly risk: RiskParams;
  readonly rules: MarketRules;
  readonly feeBps: number;
  readonly slippageBps: number;
}

export const SIZE_REJECT_REASONS = ['invalid_price', 'invalid_atr', 'no_equity', 'insufficient_cash', 'below_min_notional', 'stop_too_close'] as const;
export type SizeRejectReason = (typeof SIZE_REJECT_REASONS)[number];
/** which cap decided the size (useful in logs: "why so small?") */
export type SizeLimit = 'risk' | 'exposure' | 'cash';

export type SizeEntryResult =
  | { readonly ok: true; readonly qty: Amount; readonly limitedBy: SizeLimit; readonly expectedFill: Fill }
  | { readonly ok: false; readonly reason: SizeRejectReason; readonly detail: string };

/**
 * The detail is formatted only when read: the backtester refuses an entry on most candles of a
 * long bull regime under the cost floor, and formatting amounts there cost half its time.
 */
class Refusal {
  readonly ok = false;
  constructor(readonly reason: SizeRejectReason, private readonly format: () => string) {}
  get detail(): string {
    return this.format();
  }
}
const reject = (reason: SizeRejectReason, detail: () => string): SizeEntryResult => new Refusal(reason, detail);

export function sizeEntry(i: SizeEntryInput): SizeEntryResult {
  return fitEntry(i, null);
}

/**
 * The executor's re-check of an entry the tick sized: the same caps (exposure, cash, step, min
 * notional) applied to `requested` instead of the risk-based size, so an order can shrink or be
 * refused but never grow.
 */
export function capEntry(i: SizeEntryInput, requested: Amount): SizeEntryResult {
  return fitEntry(i, requested);
}

function fitEntry(i: SizeEntryInput, requested: Amount | null): SizeEntryResult {
  if (i.refPrice <= 0n) return reject('invalid_price', () => `refPrice ${i.refPrice} ≤ 0`);
  if (i.atr <= 0n) return reject('invalid_atr', () => `atr ${i.atr} ≤ 0: no stop distance`);
  if (i.equity <= 0n) return reject('no_equity', () => `equity ${i.equity} ≤ 0`);
  if (i.cash <= 0n) return reject('insufficient_cash', () => `cash ${i.cash} ≤ 0`);

  if (i.risk.minStopCostMultiple > 0) {
    const roundTrip = applyBps(i.refPrice, 2 * (i.feeBps + i.slippageBps), 'up');
    const floor = times(roundTrip, i.risk.minStopCostMultiple, 'up');
    const distance = stopDistance(i.atr, i.risk);
    if (distance < floor) return reject('stop_too_close', () => `stop ${distance} from the price is under ${i.risk.minStopCostMultiple} round-trip costs (${floor})`);
  }
  const price = slippedPrice('buy', i.refPrice, i.slippageBps);
  const byRisk = requested ?? div(percentOf(i.equity, i.risk.riskPerTradePct, 'down'), stopDistance(i.atr, i.risk), 'down');
  const byExposure = div(percentOf(i.equity, i.risk.maxExposurePerSymbolPct, 'down'), price, 'down');
  const unitCost = price + applyBps(price, i.feeBps, 'up');
  const byCash = div(i.cash, unitCost, 'down');

  let qty = minAmount(byRisk, minAmount(byExposure, byCash));
  let limitedBy: SizeLimit = qty === byRisk ? 'risk' : qty === byExposure ? 'exposure' : 'cash';
  qty = floorToStep(qty, i.rules.amountStep);
  // unitCost ignores the per-fill rounding of notional and fee (a few 1e-8 units); confirm with the
  // exact fill arithmetic and step down if those units tip the cost over the cash.
  while (qty > 0n && -cashDelta('buy', paperFill({ side: 'buy', refPrice: i.refPrice, qty, feeBps: i.feeBps, slippageBps: i.slippageBps })) > i.cash) {
    qty -= i.rules.amountStep;
    limitedBy = 'cash';
  }
  if (qty <= 0n) {
    return limitedBy === 'cash'
      ? reject('insufficient_cash', () => `cash ${i.cash} buys less than one step ${i.rules.amountStep}`)
      : reject('below_min_notional', () => `size rounds to 0 at step ${i.rules.amountStep}`);
  }
  const expectedFill = paperFill({ side: 'buy', refPrice: i.refPrice, qty, feeBps: i.feeBps, slippageBps: i.slippageBps });
  if (expectedFill.notional < i.rules.minNotional) {
    return reject('below_min_notional', () => `notional ${expectedFill.notional} < minNotional ${i.rules.minNotional} (limited by ${limitedBy})`);
  }
  return { ok: true, qty, limitedBy, expectedFill };
}
