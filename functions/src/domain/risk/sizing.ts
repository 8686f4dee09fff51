/**
 * Entry sizing: how much to buy so that hitting the initial stop costs riskPerTradePct of equity,
 * then capped by the per-symbol exposure limit and by the cash actually available (fees and
 * slippage included), floored to the exchange's amount step, and refused below its minimum amount
 * or notional.
 */
import type { RiskParams } from './params.ts';
import { applyBps, div, floorToStep, minAmount, toDecimalString as dec, type Amount } from '../money.ts';
import type { MarketRules } from '../marketRules.ts';
import type { Fill } from '../trading.types.ts';
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

export const SIZE_REJECT_REASONS = [
  'invalid_price',
  'invalid_atr',
  'no_equity',
  'insufficient_cash',
  'below_min_amount',
  'below_min_notional',
  'stop_too_close',
] as const;
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
  constructor(
    readonly reason: SizeRejectReason,
    private readonly format: (i: SizeEntryInput) => string,
    private readonly input: SizeEntryInput,
  ) {}
  get detail(): string {
    return this.format(this.input);
  }
}
const reject = (i: SizeEntryInput, reason: SizeRejectReason, detail: (i: SizeEntryInput) => string): SizeEntryResult =>
  new Refusal(reason, detail, i);
const stopTooClose = (i: SizeEntryInput) =>
  `stop ${dec(stopDistance(i.atr, i.risk))} from the price is under ${i.risk.minStopCostMultiple} round-trip costs (${dec(costFloor(i))})`;

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

/** minStopCostMultiple round trips (2 × (fee + slippage)) of the price, each rounding up. */
export function costFloor(i: SizeEntryInput): Amount {
  return times(applyBps(i.refPrice, 2 * (i.feeBps + i.slippageBps), 'up'), i.risk.minStopCostMultiple, 'up');
}

/**
 * stopDistance < costFloor, exactly. A screen in doubles (units of 1e-8) answers first when the two
 * are further apart than its error can reach — the roundings up add at most multiple + 2 units and
 * the doubles are exact to well under a unit below 2^53 units — and the exact bigint comparison
 * decides everything closer. The backtester asks on most candles of a bull regime while flat.
 */
export function stopInsideCosts(i: SizeEntryInput): boolean {
  const floor = (Number(i.refPrice) * 2 * (i.feeBps + i.slippageBps) * i.risk.minStopCostMultiple) / 10_000;
  const distance = Number(i.atr) * i.risk.stopAtrMult;
  const margin = i.risk.minStopCostMultiple + 16 + 1e-9 * floor;
  if (floor < 2 ** 52 && distance < 2 ** 52) {
    if (distance < floor - margin) return true;
    if (distance > floor + margin) return false;
  }
  return stopDistance(i.atr, i.risk) < costFloor(i);
}

function fitEntry(i: SizeEntryInput, requested: Amount | null): SizeEntryResult {
  if (i.refPrice <= 0n) return reject(i, 'invalid_price', () => `refPrice ${dec(i.refPrice)} ≤ 0`);
  if (i.atr <= 0n) return reject(i, 'invalid_atr', () => `atr ${dec(i.atr)} ≤ 0: no stop distance`);
  if (i.equity <= 0n) return reject(i, 'no_equity', () => `equity ${dec(i.equity)} ≤ 0`);
  if (i.cash <= 0n) return reject(i, 'insufficient_cash', () => `cash ${dec(i.cash)} ≤ 0`);

  // the hot refusal (most candles of a bull regime while flat, on short timeframes): no closure, nothing formatted
  if (i.risk.minStopCostMultiple > 0 && stopInsideCosts(i)) return reject(i, 'stop_too_close', stopTooClose);
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
  while (
    qty > 0n &&
    -cashDelta('buy', paperFill({ side: 'buy', refPrice: i.refPrice, qty, feeBps: i.feeBps, slippageBps: i.slippageBps })) > i.cash
  ) {
    qty -= i.rules.amountStep;
    limitedBy = 'cash';
  }
  if (qty <= 0n) {
    return limitedBy === 'cash'
      ? reject(i, 'insufficient_cash', () => `cash ${dec(i.cash)} buys less than one step ${dec(i.rules.amountStep)}`)
      : reject(i, 'below_min_notional', () => `size rounds to 0 at step ${dec(i.rules.amountStep)}`);
  }
  if (qty < i.rules.minAmount) {
    return reject(
      i,
      'below_min_amount',
      () => `quantity ${dec(qty)} < the exchange's minimum ${dec(i.rules.minAmount)} (limited by ${limitedBy})`,
    );
  }
  const expectedFill = paperFill({ side: 'buy', refPrice: i.refPrice, qty, feeBps: i.feeBps, slippageBps: i.slippageBps });
  if (expectedFill.notional < i.rules.minNotional) {
    return reject(
      i,
      'below_min_notional',
      () => `notional ${dec(expectedFill.notional)} < minNotional ${dec(i.rules.minNotional)} (limited by ${limitedBy})`,
    );
  }
  return { ok: true, qty, limitedBy, expectedFill };
}
