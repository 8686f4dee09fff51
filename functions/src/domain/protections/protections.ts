/**
 * Protections, evaluated by the engine step (both drivers) after each account step that published
 * an exit: the exits the engine sent to the executor are remembered for the longest look-back, and
 * each configured protection may lock entries on the exit's symbol or on all symbols until a time.
 * A lock is "exits only" for its scope, REDUCING's rule (domain/mode.ts modeAllows) scoped to a
 * symbol or all: the account step skips entries there; stops, targets and exits keep running. It
 * never touches the system mode: it ends on its own, and automatic mode events only raise the mode. Exits are counted as decided (refPrice, the position's
 * entry price): the same numbers in the live tick and the backtester, whatever the fill.
 */
import { symbolKey, type Alert } from '../alerts.ts';
import { mul, ONE, toAmount, type Amount } from '../money.ts';
import type { Position, Signal, SignalReason } from '../trading.types.ts';
import type { ProtectionParams } from './params.ts';

export const PROTECTIONS = ['cooldown', 'stoploss_guard', 'low_profit', 'max_drawdown'] as const;
export type ProtectionName = (typeof PROTECTIONS)[number];

/** A lock's symbol when it holds every symbol. */
export const ALL_SYMBOLS = '*';

export interface ExitRecord {
  /** the exit signal's id (a re-decided exit is counted once) */
  readonly id: string;
  readonly symbol: string;
  /** market time of the step that published it */
  readonly at: number;
  readonly reason: SignalReason;
  /** (refPrice − entry price) × qty */
  readonly pnl: Amount;
  /** entry price × qty */
  readonly cost: Amount;
}

export interface Lock {
  /** protection, symbol and start: unique */
  readonly id: string;
  /** a symbol, or ALL_SYMBOLS */
  readonly symbol: string;
  readonly protection: ProtectionName;
  readonly from: number;
  /** entries are held while from ≤ now < until */
  readonly until: number;
  readonly reason: string;
}

export interface ProtectionState {
  readonly exits: readonly ExitRecord[];
  readonly locks: readonly Lock[];
}

export const EMPTY_PROTECTIONS: ProtectionState = Object.freeze({ exits: Object.freeze([]), locks: Object.freeze([]) });

const HOUR = 3_600_000;
const MINUTE = 60_000;
const HUNDRED = 100n * ONE;

/** A stop-out: a stop-loss, or a trailing stop that lost. */
export const isStopOut = (e: ExitRecord): boolean => e.reason === 'stop_loss' || (e.reason === 'trailing_stop' && e.pnl < 0n);

/** The lock holding entries on `symbol` at `now` (the longest-running one), null when none does. */
export function lockOn(locks: readonly Lock[], symbol: string, now: number): Lock | null {
  let best: Lock | null = null;
  for (const l of locks) {
    if ((l.symbol === symbol || l.symbol === ALL_SYMBOLS) && l.from <= now && now < l.until && (!best || l.until > best.until)) best = l;
  }
  return best;
}

/** The exit records of the sell signals published this step (their positions as the step saw them). */
export function exitRecords(published: readonly Signal[], positions: Readonly<Record<string, Position>>, now: number): ExitRecord[] {
  const out: ExitRecord[] = [];
  for (const s of published) {
    const p = positions[s.symbol];
    if (s.side !== 'sell' || !p) continue;
    out.push({
      id: s.id,
      symbol: s.symbol,
      at: now,
      reason: s.reason,
      pnl: mul(s.refPrice - p.entryPrice, s.qty, 'half-even'),
      cost: mul(p.entryPrice, s.qty, 'half-even'),
    });
  }
  return out;
}

function lookbackMs(params: ProtectionParams): number {
  return Math.max(0, ...[params.stoplossGuard, params.lowProfit, params.maxDrawdown].map((p) => (p ? p.lookbackHours * HOUR : 0)));
}

export const protectionsOn = (params: ProtectionParams): boolean =>
  params.cooldown !== undefined || params.stoplossGuard !== undefined || params.lowProfit !== undefined || params.maxDrawdown !== undefined;

/**
 * One step: forget expired locks and exits older than every look-back, remember this step's exits,
 * and for each new exit apply the protections. `equity` is the account's marked equity after the step.
 */
export function stepProtections(
  params: ProtectionParams,
  state: ProtectionState,
  exits: readonly ExitRecord[],
  now: number,
  equity: Amount,
): { state: ProtectionState; added: Lock[] } {
  const keepFrom = now - lookbackMs(params);
  const seen = new Set(state.exits.map((e) => e.id));
  const fresh = exits.filter((e) => !seen.has(e.id));
  const kept = state.exits.filter((e) => e.at >= keepFrom);
  const expiredLocks = state.locks.some((l) => l.until <= now);
  if (fresh.length === 0 && kept.length === state.exits.length && !expiredLocks) return { state, added: [] };
  const history = [...kept, ...fresh];
  let locks = expiredLocks ? state.locks.filter((l) => l.until > now) : [...state.locks];
  const added: Lock[] = [];
  const lock = (protection: ProtectionName, symbol: string, minutes: number, reason: string) => {
    const until = now + minutes * MINUTE;
    if (locks.some((l) => l.protection === protection && l.symbol === symbol && l.until >= until)) return;
    const l: Lock = {
      id: `${protection}_${symbolKey(symbol === ALL_SYMBOLS ? 'all' : symbol)}_${now}`,
      symbol,
      protection,
      from: now,
      until,
      reason,
    };
    locks = [...locks.filter((x) => x.id !== l.id), l];
    added.push(l);
  };
  for (const exit of fresh) {
    const { cooldown, stoplossGuard: guard, lowProfit, maxDrawdown } = params;
    if (cooldown && isStopOut(exit))
      lock('cooldown', exit.symbol, cooldown.minutes, `${exit.symbol} stopped out (${exit.reason}): cooldown ${cooldown.minutes} min`);
    if (guard && isStopOut(exit)) {
      const scope = guard.scope === 'symbol' ? exit.symbol : ALL_SYMBOLS;
      const stops = within(history, now, guard.lookbackHours).filter(
        (e) => isStopOut(e) && (scope === ALL_SYMBOLS || e.symbol === scope),
      ).length;
      if (stops >= guard.stops)
        lock(
          'stoploss_guard',
          scope,
          guard.lockMinutes,
          `${stops} stop-outs${scope === ALL_SYMBOLS ? '' : ` on ${scope}`} within ${guard.lookbackHours} h (limit ${guard.stops})`,
        );
    }
    if (lowProfit) {
      const mine = within(history, now, lowProfit.lookbackHours).filter((e) => e.symbol === exit.symbol);
      const pnl = mine.reduce((s, e) => s + e.pnl, 0n);
      const cost = mine.reduce((s, e) => s + e.cost, 0n);
      // pnl/cost < required/100  ⇔  pnl·100·ONE < cost·required  (cost > 0)
      if (mine.length >= lowProfit.minTrades && cost > 0n && pnl * HUNDRED < cost * toAmount(lowProfit.requiredProfitPct)) {
        lock(
          'low_profit',
          exit.symbol,
          lowProfit.lockMinutes,
          `${exit.symbol}: ${mine.length} exits within ${lowProfit.lookbackHours} h returned ${pct(pnl, cost)}% (required ${lowProfit.requiredProfitPct}%)`,
        );
      }
    }
    if (maxDrawdown) {
      const all = within(history, now, maxDrawdown.lookbackHours);
      const dd = drawdownOf(all, equity);
      if (all.length >= maxDrawdown.minTrades && dd.base > 0n && dd.amount * HUNDRED > dd.base * toAmount(maxDrawdown.maxDrawdownPct)) {
        lock(
          'max_drawdown',
          ALL_SYMBOLS,
          maxDrawdown.lockMinutes,
          `exits within ${maxDrawdown.lookbackHours} h drew the account down ${pct(dd.amount, dd.base)}% (limit ${maxDrawdown.maxDrawdownPct}%)`,
        );
      }
    }
  }
  return { state: { exits: history, locks }, added };
}

const within = (exits: readonly ExitRecord[], now: number, hours: number) => exits.filter((e) => e.at > now - hours * HOUR && e.at <= now);

/** The deepest fall of the exits' running PnL from its peak, against the equity before the first of them plus that peak. */
function drawdownOf(exits: readonly ExitRecord[], equity: Amount): { amount: Amount; base: Amount } {
  const start = equity - exits.reduce((s, e) => s + e.pnl, 0n);
  let running = 0n;
  let peak = 0n;
  let worst = { amount: 0n, base: start };
  for (const e of exits) {
    running += e.pnl;
    if (running > peak) peak = running;
    if (peak - running > worst.amount) worst = { amount: peak - running, base: start + peak };
  }
  return worst;
}

const pct = (a: Amount, b: Amount): string => (b === 0n ? '0' : (Number((a * 10_000n) / b) / 100).toFixed(2));

/** The alert a new lock raises (one document per lock). */
export function lockAlert(l: Lock): Alert {
  const scope = l.symbol === ALL_SYMBOLS ? 'all symbols' : l.symbol;
  return {
    id: `lock_${l.id}`,
    kind: 'protection',
    severity: 'warning',
    createdAt: l.from,
    ...(l.symbol === ALL_SYMBOLS ? {} : { symbol: l.symbol }),
    message: `${l.protection}: entries on ${scope} locked until ${new Date(l.until).toISOString()} (${l.reason}); exits and stops still run`,
  };
}

/** The locks still to honour: stored, not lifted by an admin. */
export const activeLocks = (state: ProtectionState, lifted: readonly string[]): ProtectionState =>
  lifted.length === 0 || !state.locks.some((l) => lifted.includes(l.id))
    ? state
    : { ...state, locks: state.locks.filter((l) => !lifted.includes(l.id)) };

/**
 * An admin's lift: the stored locks not lifted yet whose id or symbol ('all' for a lock on every
 * symbol) is in `which`, or every one. `locksLifted` keeps only ids of locks still stored.
 */
export function liftLocks(
  state: ProtectionState,
  lifted: readonly string[],
  which: readonly string[] | 'all',
): { lifted: Lock[]; locksLifted: string[] } {
  const matches = (l: Lock) => which === 'all' || which.includes(l.id) || which.includes(l.symbol === ALL_SYMBOLS ? 'all' : l.symbol);
  const now = state.locks.filter((l) => !lifted.includes(l.id) && matches(l));
  const stored = new Set(state.locks.map((l) => l.id));
  return { lifted: now, locksLifted: [...lifted.filter((id) => stored.has(id)), ...now.map((l) => l.id)] };
}
