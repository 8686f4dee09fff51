/**
 * The shadow backtest's stored shapes, both directions (README → Shadow backtest):
 * - `shadow/{yyyymmdd}.start`: the state the bot started the day with (the day's first tick writes it:
 *   its book, its engine memory per symbol, and the config it ran with);
 * - `shadow/{yyyymmdd}.result`: the verdict (every difference, explained or not);
 * - `shadow/latest`: the newest verdict's summary, which the dashboard header shows.
 */
import { z } from 'zod';
import { SYSTEM_MODES } from '../../domain/trading.types.ts';
import { SHADOW_CAUSES, type ShadowResult, type ShadowVerdict } from '../../domain/shadow/compare.ts';
import type { DayStart, StoredDayStart } from '../../domain/shadow/replayDay.ts';
import { AccountDoc, accountToDoc, LedgerDoc, ledgerToDoc, parseDoc, SymbolDoc, symbolFromDoc, symbolToDoc } from './codec.ts';
import { PATHS, symbolKey } from './paths.ts';

const DAY_RE = /^\d{8}$/;
export const shadowDayPath = (day: string): string => {
  if (!DAY_RE.test(day)) throw new RangeError(`shadow day must be yyyymmdd, got ${day}`);
  return `${PATHS.shadow}/${day}`;
};
export const SHADOW_LATEST = `${PATHS.shadow}/latest`;

const ms = z.number().int().nonnegative();

const DayStartDoc = z.object({
  day: z.string().regex(DAY_RE),
  at: ms,
  mode: z.enum(SYSTEM_MODES),
  entriesPausedUntil: ms.nullable(),
  ledger: LedgerDoc,
  account: AccountDoc,
  engine: z.record(z.string(), SymbolDoc.extend({ symbol: z.string() })),
  /** config/bot as the tick ran with it (parsed: defaults filled in) */
  config: z.record(z.string(), z.unknown()),
});

export function dayStartToDoc({ start, config }: StoredDayStart) {
  const { book } = start;
  const { updatedAt: _, ...ledger } = ledgerToDoc(book.wallet, book.positions, start.at);
  return {
    day: start.day,
    at: start.at,
    mode: book.mode,
    entriesPausedUntil: book.entriesPausedUntil,
    ledger,
    account: accountToDoc(book.wallet),
    engine: Object.fromEntries(Object.entries(start.symbols).map(([symbol, s]) => [symbolKey(symbol), { symbol, ...symbolToDoc(s) }])),
    config,
  };
}

export function dayStartFromDoc(path: string, data: unknown): StoredDayStart {
  const d = parseDoc(DayStartDoc, path, data);
  const positions = Object.fromEntries(Object.values(d.ledger.positions).map((p) => [p.symbol, p]));
  const { positions: _, ...ledger } = d.ledger;
  const start: DayStart = {
    day: d.day,
    at: d.at,
    book: { mode: d.mode, entriesPausedUntil: d.entriesPausedUntil, wallet: { ...ledger, ...d.account }, positions },
    symbols: Object.fromEntries(Object.values(d.engine).map(({ symbol, ...s }) => [symbol, symbolFromDoc(s)])),
  };
  return { start, config: d.config };
}

const TradeKeyDoc = z.object({
  id: z.string(),
  time: ms,
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  reason: z.string(),
  qty: z.string(),
  price: z.string(),
  fee: z.string(),
});
const EventDoc = z.object({ cause: z.enum(SHADOW_CAUSES), at: ms, detail: z.string() });
export const ShadowResultDoc = z.object({
  day: z.string().regex(DAY_RE),
  status: z.enum(['verified', 'explained', 'different']),
  liveTrades: z.number().int().nonnegative(),
  replayTrades: z.number().int().nonnegative(),
  events: z.array(EventDoc),
  differences: z.array(
    z.object({
      id: z.string(),
      time: ms,
      fields: z.array(z.string()),
      live: TradeKeyDoc.nullable(),
      replay: TradeKeyDoc.nullable(),
      explainedBy: EventDoc.nullable(),
    }),
  ),
  checkedAt: ms,
});
type ShadowResultShape = z.infer<typeof ShadowResultDoc>;
export const shadowResultToDoc = (day: string, v: ShadowVerdict, checkedAt: number): ShadowResultShape =>
  ShadowResultDoc.parse({ day, ...v, checkedAt });
export const shadowResultFromDoc = (path: string, data: unknown): ShadowResultShape => parseDoc(ShadowResultDoc, path, data);

/** shadow/latest: what the dashboard header shows ("live = backtest ✓ <day>"). */
export const ShadowLatestDoc = z.object({
  day: z.string().regex(DAY_RE),
  status: z.enum(['verified', 'explained', 'different']),
  differences: z.number().int().nonnegative(),
  unexplained: z.number().int().nonnegative(),
  checkedAt: ms,
});
export type ShadowLatest = z.infer<typeof ShadowLatestDoc>;
export const shadowLatestOf = (r: ShadowResultShape | ShadowResult): ShadowLatest => ({
  day: r.day,
  status: r.status,
  differences: r.differences.length,
  unexplained: r.differences.filter((d) => d.explainedBy === null).length,
  checkedAt: r.checkedAt,
});
