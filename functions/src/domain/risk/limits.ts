/**
 * Account-level limits, computed exactly on Amounts (no float percentage near a threshold).
 * killSwitch: drawdown from peak equity strictly above killSwitchDrawdownPct.
 * dailyLossHit: equity strictly below dayStartEquity × (1 − dailyLossLimitPct/100).
 */
import type { RiskParams } from './params.ts';
import { ONE, toAmount, toNumber } from '../money.ts';
import type { Wallet } from '../trading.types.ts';

export interface RiskLimits {
  readonly killSwitch: boolean;
  readonly dailyLossHit: boolean;
  /** for metrics and display only */
  readonly drawdownPct: number;
  readonly dayChangePct: number;
}

const HUNDRED = 100n * ONE;

/** The two limits as Amounts, converted once per params object (riskLimits runs on every step). */
const limitAmounts = new WeakMap<RiskParams, { kill: bigint; daily: bigint }>();
function amountsOf(risk: RiskParams): { kill: bigint; daily: bigint } {
  let a = limitAmounts.get(risk);
  if (!a) {
    a = { kill: toAmount(risk.killSwitchDrawdownPct), daily: toAmount(risk.dailyLossLimitPct) };
    limitAmounts.set(risk, a);
  }
  return a;
}

/**
 * The limits of the last wallet object asked about, under its params object: an unchanged book is not
 * re-computed every step. One entry, not a WeakMap: a held position marks a new wallet every step, and
 * a WeakMap entry per wallet cost more than computing the limits again.
 */
let last: { wallet: Wallet; risk: RiskParams; limits: RiskLimits } | null = null;

export function riskLimits(wallet: Wallet, risk: RiskParams): RiskLimits {
  if (last !== null && last.wallet === wallet && last.risk === risk) return last.limits;
  const limits = computeLimits(wallet, risk);
  last = { wallet, risk, limits };
  return limits;
}

function computeLimits(wallet: Wallet, risk: RiskParams): RiskLimits {
  const { equity, peakEquity: peak, dayStartEquity: dayStart } = wallet;
  const pct = amountsOf(risk);
  // (peak − equity)/peak > pct/100  ⇔  (peak − equity)·100·ONE > peak·pct  (peak > 0)
  const killSwitch = peak > 0n && (peak - equity) * HUNDRED > peak * pct.kill;
  // equity < dayStart·(1 − pct/100)  ⇔  equity·100·ONE < dayStart·(100·ONE − pct)
  const dailyLossHit = dayStart > 0n && equity * HUNDRED < dayStart * (HUNDRED - pct.daily);
  return {
    killSwitch,
    dailyLossHit,
    drawdownPct: peak > 0n ? (toNumber(peak - equity) / toNumber(peak)) * 100 : 0,
    dayChangePct: dayStart > 0n ? (toNumber(equity - dayStart) / toNumber(dayStart)) * 100 : 0,
  };
}

const DAY_MS = 86_400_000;

/** Entries paused by the daily loss limit resume at the next 00:00 UTC. */
export function nextUtcDayStart(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}
