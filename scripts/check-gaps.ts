/**
 * `npm run check-gaps -- --timeframe 1m|all [--days 7]` — missing candles per symbol in the stored
 * history, ending at each symbol's newest stored candle.
 * Prints one line per gap; exit 1 when any gap exists, 0 when none, 2 on usage errors.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { TIMEFRAMES, findGaps, timeframeMs, type Timeframe } from '../functions/src/domain/candle.ts';
import { FirestoreCandleStore } from '../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { FirestoreStateStore } from '../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { parseBotConfig } from '../functions/src/config/load.ts';
import type { Env } from '../functions/src/config/schema.ts';
import { UsageError, cliEnv, usageFailure, withFirestore, stdio, type Io } from './lib/cli.ts';

export const USAGE = 'usage: npm run check-gaps -- --timeframe <1m|5m|15m|1h|4h|1d|all> [--days N]';
const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

export async function main(argv: string[], io: Io = stdio, env: Env = cliEnv()): Promise<number> {
  let timeframes: Timeframe[];
  let days: number;
  try {
    const { values } = parseArgs({ args: argv, options: { timeframe: { type: 'string' }, days: { type: 'string', default: '7' } } });
    if (values.timeframe === 'all') timeframes = [...TIMEFRAMES];
    else if (TIMEFRAMES.includes(values.timeframe as Timeframe)) timeframes = [values.timeframe as Timeframe];
    else throw new UsageError(`--timeframe must be one of ${TIMEFRAMES.join(', ')} or all`);
    days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 366) throw new UsageError('--days must be a whole number from 1 to 366');
  } catch (err) {
    return usageFailure(io, USAGE, err);
  }
  return withFirestore(env, io, 'check-gaps', 2, async (db) => {
    const state = new FirestoreStateStore(db);
    const candles = new FirestoreCandleStore(db);
    const config = parseBotConfig(await state.getBotConfigDoc());
    const symbols = config.symbols ?? env.SYMBOLS;
    let total = 0;
    for (const tf of timeframes) {
      for (const symbol of symbols) {
        const newest = await candles.newest(symbol, tf);
        const end = (newest ?? 0) + timeframeMs(tf);
        const stored = newest === null ? [] : await candles.read(symbol, tf, end - days * DAY, end);
        if (stored.length === 0) {
          if (timeframes.length === 1) io.out(`${symbol} ${tf}: no stored candles in the last ${days} days`);
          continue;
        }
        const gaps = findGaps(stored, tf);
        total += gaps.length;
        const missing = gaps.reduce((s, g) => s + g.missing, 0);
        io.out(`${symbol} ${tf}: ${stored.length} candles ${iso(stored[0]!.t)} → ${iso(stored.at(-1)!.t)}, ${gaps.length} gaps (${missing} missing)`);
        for (const g of gaps) io.out(`  after ${iso(g.after)} next ${iso(g.next)}: ${g.missing} missing`);
      }
    }
    return total > 0 ? 1 : 0;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
