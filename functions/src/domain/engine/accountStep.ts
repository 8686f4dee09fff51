/**
 * The account step, shared by the live tick and the backtester. After the symbol steps:
 *
 * 1. Mark every held position (configured or not) at its newest close; roll the UTC day.
 * 2. Kill switch: drawdown from peak beyond the limit → KILLED (critical alert). While KILLED, every
 *    position with a new candle is liquidated at its close and nothing else is emitted.
 * 3. Daily loss: equity below the day's start by more than the limit → entries paused until the next
 *    00:00 UTC (warning alert); a pause that has run out is lifted.
 * 4. Entries on a symbol a protection has locked are skipped (domain/protections).
 * 5. Entries are sized from the book this step read, one after another: each reserves the cash its
 *    expected fill costs, and open positions plus entries never exceed maxOpenPositions. Proceeds of
 *    exits in the same step are not counted, so the orders fit whatever order they are filled in.
 * 6. Every signal is recorded; the mode decides which are published (OBSERVATION publishes none).
 */
import type { Alert } from '../alerts.ts';
import { modeAllows, modeEmitsEntries, transitionMode } from '../mode.ts';
import { type Amount } from '../money.ts';
import { cashDelta } from '../portfolio/paperFill.ts';
import type { Book } from '../portfolio/book.ts';
import { markPositions, markToMarket } from '../portfolio/markToMarket.ts';
import { nextUtcDayStart, riskLimits, type RiskLimits } from '../risk/limits.ts';
import type { RiskParams } from '../risk/params.ts';
import { lockOn, type Lock } from '../protections/protections.ts';
import { capEntry, sizeEntry } from '../risk/sizing.ts';
import { createSignal } from '../signal.ts';
import type { MarketRules } from '../marketRules.ts';
import type { Side, Signal, SystemMode } from '../trading.types.ts';
import type { Mark, SignalIntent } from './symbolStep.ts';

/** Kill-switch signals have their own strategy version, so their ids never collide with a strategy exit on the same candle. */
export const KILL_SWITCH_VERSION = 'kill_switch@1';

export interface ExecutionParams {
  readonly risk: RiskParams;
  readonly feeBps: number;
  readonly slippageBps: number;
  /** the trading rules per symbol (domain/marketRules.ts tradingRules); null: no entry there */
  readonly rulesFor: (symbol: string) => MarketRules | null;
}

export interface AccountStepInput {
  readonly book: Book;
  /** in symbol order */
  readonly intents: readonly SignalIntent[];
  /** per symbol that got a new closed candle this step (symbolStep's mark): its close, open time and timeframe (only held symbols' are used) */
  readonly closes: Readonly<Record<string, Mark>>;
  /** symbols with an unsettled order, and its side */
  readonly pending: ReadonlyMap<string, Side>;
  readonly now: number;
  readonly params: ExecutionParams;
  /** the protections' locks (domain/protections): no entry on a symbol one holds */
  readonly locks?: readonly Lock[];
}

/** An entry sizing refused; its detail is formatted only when read (a prototype getter keeps the object cheap). */
class SizeRefused implements SkippedIntent {
  readonly reason: string;
  constructor(
    readonly intent: SignalIntent,
    private readonly refusal: { readonly reason: string; readonly detail: string },
  ) {
    this.reason = refusal.reason;
  }
  get detail(): string {
    return this.refusal.detail;
  }
}

export interface SkippedIntent {
  readonly intent: SignalIntent;
  /** a short code: entries_paused, max_open_positions, stop_too_close, … */
  readonly reason: string;
  /** the particulars, formatted only when read */
  readonly detail?: string;
}

export interface AccountStepResult {
  /** marks, mode and pause updated; the ledger (cash, quantities) untouched */
  readonly book: Book;
  readonly modeChange: { readonly mode: SystemMode; readonly reason: string } | null;
  /** every signal, as recorded */
  readonly signals: Signal[];
  /** the subset the mode lets through to the executor */
  readonly publish: Signal[];
  readonly skipped: SkippedIntent[];
  readonly alerts: Alert[];
  readonly limits: RiskLimits;
}

const NONE: Record<string, Amount> = Object.freeze({}) as Record<string, Amount>;
const NOTHING: readonly never[] = Object.freeze([]);

export function accountStep(input: AccountStepInput): AccountStepResult {
  const { now, params, pending } = input;
  let prices: Record<string, Amount> = NONE;
  for (const symbol in input.book.positions) {
    const close = input.closes[symbol];
    if (!close) continue;
    if (prices === NONE) prices = {};
    prices[symbol] = close.price;
  }
  const positions = prices === NONE ? input.book.positions : markPositions(input.book.positions, prices);
  const wallet = markToMarket(input.book.wallet, positions, prices, now);
  const limits = riskLimits(wallet, params.risk);
  let mode = input.book.mode;
  let entriesPausedUntil = input.book.entriesPausedUntil;
  let modeChange: AccountStepResult['modeChange'] = null;
  // Most steps emit nothing: the lists are allocated on their first entry.
  let alerts: Alert[] | null = null;
  let skipped: SkippedIntent[] | null = null;
  let signals: Signal[] | null = null;

  if (limits.killSwitch && mode !== 'KILLED') {
    mode = transitionMode(mode, { type: 'kill_switch' }).mode;
    const reason = `kill switch: drawdown ${limits.drawdownPct.toFixed(2)}% from peak exceeds ${params.risk.killSwitchDrawdownPct}%`;
    modeChange = { mode, reason };
    (alerts ??= []).push({
      id: `kill_switch_${now}`,
      kind: 'kill_switch',
      severity: 'critical',
      message: `${reason}; closing all positions`,
      createdAt: now,
    });
  }

  if (mode === 'KILLED') {
    // Liquidate on the kill and on every step after it while anything is still open: a lost or
    // rejected sell must not leave a position behind.
    for (const p of Object.values(positions).sort((a, b) => a.symbol.localeCompare(b.symbol))) {
      const close = input.closes[p.symbol];
      if (!close || pending.has(p.symbol)) continue;
      (signals ??= []).push(
        createSignal(
          {
            strategyVersion: KILL_SWITCH_VERSION,
            symbol: p.symbol,
            timeframe: close.timeframe,
            candleTime: close.candleTime,
            side: 'sell',
            reason: 'kill_switch',
            refPrice: close.price,
            atr: 0n,
            qty: p.qty,
          },
          now,
        ),
      );
    }
    for (const intent of input.intents) (skipped ??= []).push({ intent, reason: 'killed' });
  } else {
    if (limits.dailyLossHit && (entriesPausedUntil === null || now >= entriesPausedUntil)) {
      entriesPausedUntil = nextUtcDayStart(now);
      const reason = `daily loss ${limits.dayChangePct.toFixed(2)}% exceeds −${params.risk.dailyLossLimitPct}%: entries paused until ${new Date(entriesPausedUntil).toISOString()}`;
      (alerts ??= []).push({ id: `daily_loss_${wallet.day}`, kind: 'daily_loss', severity: 'warning', message: reason, createdAt: now });
    } else if (entriesPausedUntil !== null && now >= entriesPausedUntil) {
      entriesPausedUntil = null;
    }
    const paused = entriesPausedUntil !== null && now < entriesPausedUntil;
    let reserved = 0n;
    let open = Object.keys(positions).length;
    if (pending.size > 0) for (const side of pending.values()) if (side === 'buy') open++;
    for (const intent of input.intents) {
      if (intent.side === 'sell') {
        (signals ??= []).push(createSignal({ ...intent, qty: intent.qty ?? positions[intent.symbol]?.qty ?? 0n }, now));
        continue;
      }
      if (paused) {
        (skipped ??= []).push({ intent, reason: 'entries_paused' });
        continue;
      }
      if (!modeEmitsEntries(mode)) {
        (skipped ??= []).push({ intent, reason: `mode ${mode}` });
        continue;
      }
      const lock = input.locks && input.locks.length > 0 ? lockOn(input.locks, intent.symbol, now) : null;
      if (lock) {
        (skipped ??= []).push({
          intent,
          reason: 'locked',
          detail: `${lock.protection} until ${new Date(lock.until).toISOString()}: ${lock.reason}`,
        });
        continue;
      }
      if (open >= params.risk.maxOpenPositions) {
        (skipped ??= []).push({ intent, reason: 'max_open_positions' });
        continue;
      }
      const rules = params.rulesFor(intent.symbol);
      if (!rules) {
        (skipped ??= []).push({ intent, reason: 'no_market_rules' });
        continue;
      }
      const sizing = {
        equity: wallet.equity,
        cash: wallet.cash - reserved,
        refPrice: intent.refPrice,
        atr: intent.atr,
        risk: params.risk,
        rules,
        feeBps: params.feeBps,
        slippageBps: params.slippageBps,
      };
      let size = sizeEntry(sizing);
      // the strategy's size hook shrinks the risk size, re-fitted to the same caps; it never grows it
      if (size.ok && intent.sizeBps !== undefined && intent.sizeBps < 10_000)
        size = capEntry(sizing, (size.qty * BigInt(intent.sizeBps)) / 10_000n);
      if (!size.ok) {
        (skipped ??= []).push(new SizeRefused(intent, size));
        continue;
      }
      reserved += -cashDelta('buy', size.expectedFill);
      open++;
      (signals ??= []).push(createSignal({ ...intent, qty: size.qty }, now));
    }
  }

  const recorded = signals ?? (NOTHING as unknown as Signal[]);
  const publish = recorded.length === 0 ? recorded : recorded.filter((s) => modeAllows(mode, s.side === 'buy' ? 'entry' : 'exit'));
  const same =
    wallet === input.book.wallet &&
    positions === input.book.positions &&
    mode === input.book.mode &&
    entriesPausedUntil === input.book.entriesPausedUntil;
  const book: Book = same ? input.book : { mode, entriesPausedUntil, wallet, positions };
  return {
    book,
    modeChange,
    signals: recorded,
    publish,
    skipped: skipped ?? (NOTHING as unknown as SkippedIntent[]),
    alerts: alerts ?? (NOTHING as unknown as Alert[]),
    limits,
  };
}
