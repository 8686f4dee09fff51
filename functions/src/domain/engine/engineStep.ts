/**
 * One engine step, the per-tick glue both drivers call (services/runTick.ts live, backtestLoop.ts over
 * a series): every symbol's step in symbol order, each on the position the book holds for it, then
 * the account step over the positions they moved, the marks they saw and the intents they raised,
 * then the protections over the exits it published (a lock holds entries from the next step).
 * The drivers only fetch candles and persist (live) or fill at once (backtest).
 */
import type { Book } from '../portfolio/book.ts';
import type { Position, Side } from '../trading.types.ts';
import {
  EMPTY_PROTECTIONS,
  exitRecords,
  lockAlert,
  protectionsOn,
  stepProtections,
  type Lock,
  type ProtectionParams,
  type ProtectionState,
} from '../protections/index.ts';
import { accountStep, type AccountStepResult, type ExecutionParams } from './accountStep.ts';
import { symbolStep, type Mark, type SignalIntent, type SymbolStepInput, type SymbolStepResult } from './symbolStep.ts';

/** A symbol step's input as a driver prepares it; the engine step fills in `position`, `now`, `mode` and `entriesPaused`. */
export type SymbolSlot = { -readonly [K in keyof SymbolStepInput]: SymbolStepInput[K] };

export interface EngineStepInput {
  /** the mode, pause, marks and positions (with the tick's protective levels) this step starts from */
  readonly book: Book;
  /** one per symbol, in symbol order; updated in place (the backtester reuses them every step) */
  readonly slots: readonly SymbolSlot[];
  /** symbols with an unsettled order, and its side */
  readonly pending: ReadonlyMap<string, Side>;
  readonly now: number;
  readonly params: ExecutionParams;
  /** entries held for a reason outside the book (live: an invalid config/bot, an exchange key that may not trade) */
  readonly entriesHeld?: boolean;
  /** the protections configured and their memory (locks, recent exits); none: off */
  readonly protections?: { readonly params: ProtectionParams; readonly state: ProtectionState } | undefined;
}

export interface EngineStepResult {
  /** by slot */
  readonly steps: readonly SymbolStepResult[];
  readonly account: AccountStepResult;
  /** the protections' memory after this step (the input's when nothing changed) */
  readonly protections: ProtectionState;
  /** locks the protections placed this step (each also raised as an alert in account.alerts) */
  readonly locked: readonly Lock[];
}

const NO_LOCKS: readonly Lock[] = Object.freeze([]);
const NO_CLOSES: Record<string, Mark> = Object.freeze({}) as Record<string, Mark>;

export function engineStep(input: EngineStepInput): EngineStepResult {
  const { book, now } = input;
  const entriesPaused = input.entriesHeld === true || (book.entriesPausedUntil !== null && now < book.entriesPausedUntil);
  let positions = book.positions;
  let closes = NO_CLOSES;
  const intents: SignalIntent[] = [];
  const steps: SymbolStepResult[] = [];
  for (const slot of input.slots) {
    const symbol = slot.symbol;
    slot.position = book.positions[symbol] ?? null;
    slot.now = now;
    slot.mode = book.mode;
    slot.entriesPaused = entriesPaused;
    const step = symbolStep(slot);
    steps.push(step);
    if (step.position) {
      if (positions === book.positions) positions = { ...positions };
      (positions as Record<string, Position>)[symbol] = step.position;
    }
    // The account step values held symbols only: marks of the others are never read.
    if (step.mark && positions[symbol]) {
      if (closes === NO_CLOSES) closes = {};
      closes[symbol] = step.mark;
    }
    if (step.intent) intents.push(step.intent);
  }
  const before = input.protections?.state ?? EMPTY_PROTECTIONS;
  const account = accountStep({
    book: positions === book.positions ? book : { ...book, positions },
    intents,
    closes,
    pending: input.pending,
    now,
    params: input.params,
    locks: before.locks,
  });
  const params = input.protections?.params;
  // Off and nothing remembered (the backtester's default): no work per step.
  if (!params || (!protectionsOn(params) && before.locks.length === 0 && before.exits.length === 0))
    return { steps, account, protections: before, locked: NO_LOCKS };
  const exits = account.publish.length === 0 ? [] : exitRecords(account.publish, positions, now);
  const { state, added } = stepProtections(params, before, exits, now, account.book.wallet.equity);
  if (added.length === 0) return { steps, account, protections: state, locked: NO_LOCKS };
  return { steps, account: { ...account, alerts: [...account.alerts, ...added.map(lockAlert)] }, protections: state, locked: added };
}
