/**
 * The shadow backtest of one UTC day (README → Shadow backtest): replay the day through backtestLoop
 * from the state the bot started it with, compare with the ledger's trades of that day, store the
 * verdict (shadow/{day}, shadow/latest) and raise an alert on any difference: critical when one is
 * unexplained, a warning when every one is explained by a late fill, a manual close, a mode change,
 * a config change, an order in flight at the day's start or a signal executeOrder dead-lettered.
 */
import { timeframeMs, type Candle } from '../domain/candle.ts';
import { guardTimeframeFor } from '../domain/engine/index.ts';
import { resolveRegimeParams } from '../domain/regime/index.ts';
import { getStrategy } from '../strategies/registry.ts';
import { compareDay, describeDifference, type ShadowEvent, type ShadowVerdict } from '../domain/shadow/compare.ts';
import { dayBounds, replayDay, replayWindow } from '../domain/shadow/replayDay.ts';
import { utcDay } from '../domain/wallet.ts';
import { parseBotConfig } from '../config/load.ts';
import { rulesFor, type BotConfigSource } from '../config/botConfig.ts';
import type { Env } from '../config/schema.ts';
import type { CandleStore } from '../ports/index.ts';
import type { AuditEntry } from '../ports/ops.ts';
import type { ShadowStore } from '../ports/shadow.ts';
import type { DeadLetter, StateStore } from '../ports/state.ts';
import { decodeSignal } from '../domain/signal.ts';
import { shadowResultToDoc } from '../shared/store/shadow.ts';
import { REDUCE_ACTION } from './reconcile.ts';

export interface ShadowDeps {
  store: Pick<StateStore, 'raiseAlert'>;
  shadow: ShadowStore;
  candles: CandleStore;
  /** only for the exchange's market rules the day's config is sized with */
  config: Pick<BotConfigSource, 'load'>;
  env: Pick<Env, 'SYMBOLS' | 'TIMEFRAME' | 'HISTORY_CANDLES'>;
}

export type ShadowReport =
  ({ readonly day: string; readonly ran: true } & ShadowVerdict) | { readonly day: string; readonly ran: false; readonly reason: string };

/** At most this many admin calls a day are read for mode and config changes; more is itself a difference to explain by hand. */
const ADMIN_CALLS_READ = 500;
/** The same bound for the dead letters of the day and the next (a signal of 23:59 may be refused after midnight). */
const DEAD_LETTERS_READ = 500;
const DAY_MS = 86_400_000;
/** Differences listed in the alert; the whole diff is in shadow/{day}.result. */
const ALERT_LISTS = 3;

const MODE_ACTIONS = new Set(['pause', 'resume', 'kill', 'reset', 'budget-pause', REDUCE_ACTION]);
const iso = (t: number): string => new Date(t).toISOString();

/** Calls that moved what the engine decides with (an operator's, the budget guard's pause, a reconciliation's REDUCING), which the replay (run with the day's start) does not see. */
export function adminEvents(calls: readonly AuditEntry[]): ShadowEvent[] {
  const out: ShadowEvent[] = [];
  for (const call of calls) {
    if (!call.ok) continue;
    // placed in the market's time: a replay stack's calls carry it beside the wall clock's
    const c = { ...call, at: call.marketAt ?? call.at };
    // a confirmed reconciliation books the drift and lifts REDUCING
    if (MODE_ACTIONS.has(c.action) || (c.action === 'reconcile' && c.params.confirm === true))
      out.push({
        cause: 'mode_change',
        at: c.at,
        detail: `${c.via === 'system' ? '' : 'admin '}${c.action} by ${c.who} at ${iso(c.at)}: ${c.summary}`,
      });
    else if (c.action === 'config' && c.params.set !== undefined)
      out.push({ cause: 'config_change', at: c.at, detail: `config/bot changed by ${c.who} at ${iso(c.at)}: ${c.summary}` });
    else if (c.action === 'force-exit')
      out.push({ cause: 'manual_close', at: c.at, detail: `force-exit by ${c.who} at ${iso(c.at)}: ${c.summary}` });
  }
  return out;
}

/**
 * Where the books part over one signal: at the replay's trade of it (same id), else at `fallback`,
 * whichever is earlier. A signal fills at its decision candle's close in the replay, before the tick
 * that emitted it (a minute's tick runs 30 s after the close).
 */
const partAt = (replayTimes: ReadonlyMap<string, number>, signalId: string, fallback: number): number =>
  Math.min(fallback, replayTimes.get(signalId) ?? fallback);

/**
 * The signals filling in [dayStart, dayEnd) that executeOrder refused and dead-lettered (a signal
 * delivered too late to fill at a current price is the common one): the replay filled them, the live
 * book did not, from the decision candle's close. A dead letter whose payload is no signal traded nothing.
 */
export function deadLetterEvents(
  letters: readonly DeadLetter[],
  dayStart: number,
  dayEnd: number,
  replayTimes: ReadonlyMap<string, number> = new Map(),
): ShadowEvent[] {
  const out: ShadowEvent[] = [];
  for (const l of letters) {
    if (l.source !== 'executeOrder') continue;
    let signal;
    try {
      signal = decodeSignal(l.payload);
    } catch {
      continue;
    }
    const at = partAt(replayTimes, signal.id, signal.candleTime + timeframeMs(signal.timeframe));
    if (at < dayStart || at >= dayEnd) continue;
    const detail = `${signal.symbol} ${signal.side} signal ${signal.id} of ${iso(signal.createdAt)} dead-lettered by executeOrder at ${iso(l.receivedAt)}: ${l.reason}`;
    out.push({ cause: 'dead_letter', at, detail: detail.slice(0, 500) });
  }
  return out;
}

export async function runShadowDay(deps: ShadowDeps, day: string, now: number): Promise<ShadowReport> {
  const { start: dayStart, end: dayEnd } = dayBounds(day);
  const stored = await deps.shadow.loadDayStart(day);
  if (!stored)
    return { day, ran: false, reason: `no day start recorded for ${day}: no tick ran that day (the first tick of a day records it)` };
  const { start } = stored;
  const next = await deps.shadow.loadDayStart(utcDay(dayEnd));

  const config = parseBotConfig(stored.config);
  const timeframe = config.timeframe ?? deps.env.TIMEFRAME;
  const { exchange } = await deps.config.load();
  const symbols = [...new Set([...(config.symbols ?? deps.env.SYMBOLS), ...Object.keys(start.book.positions)])].sort();
  const window = replayWindow(start, timeframe, deps.env.HISTORY_CANDLES);
  const guardTf = guardTimeframeFor(timeframe);
  const read = (tf: typeof timeframe, w: { from: number; to: number }) =>
    Promise.all(symbols.map(async (s) => [s, await deps.candles.read(s, tf, w.from, w.to)] as [string, Candle[]]));
  const [decision, guard, tickTimes, live, calls, letters] = await Promise.all([
    read(timeframe, window.decision),
    guardTf ? read(guardTf, window.guard) : Promise.resolve(null),
    deps.shadow.tickTimes(day),
    deps.shadow.tradesBetween(start.book.wallet.tradeSeq, next ? next.start.book.wallet.tradeSeq : null),
    deps.shadow.adminCalls(dayStart, dayEnd, ADMIN_CALLS_READ),
    deps.shadow.deadLetters(dayStart, dayEnd + DAY_MS, DEAD_LETTERS_READ),
  ]);
  const { result, events } = replayDay({
    start,
    engine: {
      timeframe,
      strategy: getStrategy(config.strategy.name, config.strategy.params),
      risk: config.risk,
      regime: resolveRegimeParams(config.regime, timeframe),
      rulesFor: rulesFor(config, exchange),
      feeBps: config.paper.feeBps,
      slippageBps: config.paper.slippageBps,
    },
    candles: Object.fromEntries(decision),
    guard: guardTf && guard ? { timeframe: guardTf, candles: Object.fromEntries(guard) } : undefined,
    tickTimes,
  });
  const tooMany: ShadowEvent[] =
    calls.length >= ADMIN_CALLS_READ
      ? [
          {
            cause: 'mode_change',
            at: calls.at(-1)!.at,
            detail: `more than ${ADMIN_CALLS_READ} admin calls that day: those after ${iso(calls.at(-1)!.at)} were not read`,
          },
        ]
      : [];
  const replayTimes = new Map(result.trades.map((t) => [t.id, t.time]));
  // The day's trades are the ledger's between the two starts; an order still in flight at the next start landed after it.
  const endEvents: ShadowEvent[] = Object.entries(next?.start.symbols ?? {})
    .filter(([, s]) => s.state.pending)
    .map(([symbol, s]) => ({
      cause: 'late_fill',
      at: partAt(replayTimes, s.state.pending!.signalId, s.state.pending!.emittedAt),
      detail: `${symbol} order ${s.state.pending!.signalId} was still in flight when the next day began: it is booked there`,
    }));
  const refused = deadLetterEvents(letters, dayStart, dayEnd, replayTimes);
  if (letters.length >= DEAD_LETTERS_READ)
    tooMany.push({
      cause: 'dead_letter',
      at: letters.at(-1)!.receivedAt,
      detail: `more than ${DEAD_LETTERS_READ} dead letters: those after ${iso(letters.at(-1)!.receivedAt)} were not read`,
    });
  const verdict = compareDay({
    live,
    replay: result.trades,
    events: [...events, ...endEvents, ...adminEvents(calls), ...refused, ...tooMany],
  });
  await deps.shadow.saveResult(shadowResultToDoc(day, verdict, now));
  if (verdict.status !== 'verified') {
    const unexplained = verdict.differences.filter((d) => d.explainedBy === null);
    const listed = (unexplained.length > 0 ? unexplained : verdict.differences).slice(0, ALERT_LISTS).map(describeDifference);
    const critical = verdict.status === 'different';
    await deps.store.raiseAlert({
      id: `shadow_${day}`,
      kind: 'shadow',
      severity: critical ? 'critical' : 'warning',
      createdAt: now,
      message: critical
        ? `live ≠ backtest on ${day}: ${unexplained.length} unexplained difference(s) of ${verdict.differences.length}; first: ${listed.join(' | ')} (whole diff: shadow/${day})`
        : `live ≈ backtest on ${day}: ${verdict.differences.length} difference(s), each explained; first: ${listed.join(' | ')} (whole diff: shadow/${day})`,
    });
  }
  return { day, ran: true, ...verdict };
}
