/**
 * The shadow backtest's verdict on one UTC day: the ledger's trades against the replay's, by id, on
 * id, time, side, reason, qty, price and fee. Every difference is listed. A difference is explained
 * only by an event that happened at or before it (a late fill, a manual close, a mode change, a
 * config change, an order in flight at the day's start, a signal the executor refused and
 * dead-lettered, e.g. delivered too late to fill): from that moment the live book is not the
 * one the replay started from, so later trades are listed, not judged. Any difference before the
 * first event is unexplained: the day is 'different' and the caller raises a critical alert.
 */
import { toDecimalString } from '../money.ts';
import type { Trade } from '../trading.types.ts';

export const SHADOW_CAUSES = [
  'late_fill',
  'manual_close',
  'mode_change',
  'config_change',
  'order_in_flight_at_start',
  'dead_letter',
] as const;
export type ShadowCause = (typeof SHADOW_CAUSES)[number];

export interface ShadowEvent {
  readonly cause: ShadowCause;
  /** market time from which the live book may differ from the replay's */
  readonly at: number;
  readonly detail: string;
}

/** A trade as compared: the fields both drivers must agree on, amounts as exact decimal strings. */
export interface TradeKey {
  readonly id: string;
  readonly time: number;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly reason: string;
  readonly qty: string;
  readonly price: string;
  readonly fee: string;
}

export interface ShadowDifference {
  readonly id: string;
  readonly time: number;
  /** the fields that differ, or ['missing_in_live'] / ['missing_in_replay'] */
  readonly fields: readonly string[];
  readonly live: TradeKey | null;
  readonly replay: TradeKey | null;
  /** the event that explains it; null: unexplained */
  readonly explainedBy: ShadowEvent | null;
}

export type ShadowStatus = 'verified' | 'explained' | 'different';

export interface ShadowVerdict {
  readonly status: ShadowStatus;
  readonly liveTrades: number;
  readonly replayTrades: number;
  readonly events: readonly ShadowEvent[];
  readonly differences: readonly ShadowDifference[];
}

const COMPARED = ['time', 'symbol', 'side', 'reason', 'qty', 'price', 'fee'] as const;

/** A day's verdict as stored (shadow/{day}.result): the day and when it was checked. */
export interface ShadowResult extends ShadowVerdict {
  readonly day: string;
  readonly checkedAt: number;
}

export const tradeKey = (t: Trade): TradeKey => ({
  id: t.id,
  time: t.time,
  symbol: t.symbol,
  side: t.side,
  reason: t.reason,
  qty: toDecimalString(t.qty),
  price: toDecimalString(t.price),
  fee: toDecimalString(t.fee),
});

const iso = (t: number): string => new Date(t).toISOString();

/**
 * A late fill: executeOrder sold at the candle current when the exit was delivered, not at the
 * exit's own candle (domain/engine/currentPrice.ts): same id, side and quantity, a later time.
 * (A late entry within its grace fills at its own candle, so it matches and is no event.)
 */
function lateFill(live: TradeKey, replay: TradeKey): ShadowEvent | null {
  if (live.side !== 'sell' || live.side !== replay.side || live.qty !== replay.qty || live.time <= replay.time) return null;
  return {
    cause: 'late_fill',
    at: replay.time,
    detail: `${live.symbol} exit ${live.id} decided at ${iso(replay.time)} filled at the candle of ${iso(live.time)} (price ${live.price}, replay ${replay.price})`,
  };
}

export function compareDay(input: { live: readonly Trade[]; replay: readonly Trade[]; events: readonly ShadowEvent[] }): ShadowVerdict {
  const events: ShadowEvent[] = [...input.events];
  const live = new Map<string, TradeKey>();
  for (const t of input.live) {
    live.set(t.id, tradeKey(t));
    if (t.reason === 'adjustment') {
      const why = t.adjustment ? `${t.adjustment.cause}: ${t.adjustment.note}` : 'reconciliation adjustment';
      events.push({
        cause: 'manual_close',
        at: t.time,
        detail: `${t.symbol} ${t.side} ${toDecimalString(t.qty)} booked by reconciliation at ${iso(t.time)} (${why}); the engine did not trade it`,
      });
    }
  }
  const replay = new Map(input.replay.map((t) => [t.id, tradeKey(t)]));
  const raw: Omit<ShadowDifference, 'explainedBy'>[] = [];
  for (const id of new Set([...live.keys(), ...replay.keys()])) {
    const a = live.get(id) ?? null;
    const b = replay.get(id) ?? null;
    if (!a || !b) {
      raw.push({ id, time: (a ?? b)!.time, fields: [a ? 'missing_in_replay' : 'missing_in_live'], live: a, replay: b });
      continue;
    }
    const fields = COMPARED.filter((f) => a[f] !== b[f]);
    if (fields.length === 0) continue;
    const late = lateFill(a, b);
    if (late) events.push(late);
    raw.push({ id, time: Math.min(a.time, b.time), fields, live: a, replay: b });
  }
  events.sort((x, y) => x.at - y.at || x.cause.localeCompare(y.cause));
  const differences = raw
    .map((d) => ({ ...d, explainedBy: events.find((e) => e.at <= d.time) ?? null }))
    .sort((x, y) => x.time - y.time || x.id.localeCompare(y.id));
  const status: ShadowStatus =
    differences.length === 0 ? 'verified' : differences.some((d) => d.explainedBy === null) ? 'different' : 'explained';
  return { status, liveTrades: live.size, replayTrades: replay.size, events, differences };
}

/** One line per difference, for the alert and the CLI. */
export function describeDifference(d: ShadowDifference): string {
  const why = d.explainedBy ? ` — explained: ${d.explainedBy.cause} (${d.explainedBy.detail})` : '';
  const show = (k: TradeKey | null) =>
    k ? `${k.side} ${k.symbol} ${k.reason} qty ${k.qty} @ ${k.price} fee ${k.fee} at ${iso(k.time)}` : 'none';
  return `${d.id} [${d.fields.join(', ')}] live: ${show(d.live)}; replay: ${show(d.replay)}${why}`;
}
