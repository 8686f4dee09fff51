/**
 * `npm run backfill -- --symbol BTC/USDT --timeframe 1m --since 2023-03-20 [--until 2023-03-25]`
 * Fetch closed candles from the configured source (MARKET_SOURCE: replay or ccxt) and upsert them
 * into Firestore, one candle document (a UTC day of 1m candles) at a time, with a progress bar.
 * Idempotent: running it twice stores nothing new. Exit 0 ok, 1 source/store failure, 2 usage.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { TIMEFRAMES, findGaps, lastClosedOpenTime, timeframeMs, type Timeframe } from '../functions/src/domain/candle.ts';
import { FirestoreCandleStore, CANDLES_PER_BUCKET, bucketStart } from '../functions/src/adapters/firestore/FirestoreCandleStore.ts';
import { marketSource } from '../functions/src/wiring.ts';
import type { Env } from '../functions/src/config/schema.ts';
import type { MarketData } from '../functions/src/ports/index.ts';
import { UsageError, cliEnv, usageFailure, withFirestore, parseDay, progressBar, stdio, type Io } from './lib/cli.ts';

export const USAGE = 'usage: npm run backfill -- --symbol BTC/USDT --timeframe 1m --since YYYY-MM-DD [--until YYYY-MM-DD]';

export async function main(argv: string[], io: Io = stdio, env: Env = cliEnv(), source?: MarketData): Promise<number> {
  let symbol: string, timeframe: Timeframe, since: number, until: number;
  try {
    const { values } = parseArgs({ args: argv, options: { symbol: { type: 'string' }, timeframe: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } } });
    if (!values.symbol || !/^[A-Z0-9]+\/[A-Z0-9]+$/.test(values.symbol)) throw new UsageError('--symbol must look like BTC/USDT');
    if (!TIMEFRAMES.includes(values.timeframe as Timeframe)) throw new UsageError(`--timeframe must be one of ${TIMEFRAMES.join(', ')}`);
    symbol = values.symbol;
    timeframe = values.timeframe as Timeframe;
    since = parseDay(values.since, '--since');
    // Never past the newest closed candle by the wall clock (for replay: all bundled history).
    until = Math.min(values.until ? parseDay(values.until, '--until') : Infinity, lastClosedOpenTime(Date.now(), timeframe) + timeframeMs(timeframe));
    if (until <= since) throw new UsageError(`nothing to do: --since is not before ${new Date(until).toISOString()} (the newest closed candle)`);
  } catch (err) {
    return usageFailure(io, USAGE, err);
  }
  return withFirestore(env, io, 'backfill', 1, async (db) => {
    const store = new FirestoreCandleStore(db);
    const src = source ?? (await marketSource(env));
    const span = timeframeMs(timeframe) * CANDLES_PER_BUCKET;
    const total = Math.ceil((until - bucketStart(since, timeframe)) / span);
    let fetched = 0;
    let gaps = 0;
    let done = 0;
    for (let from = since; from < until; from = bucketStart(from, timeframe) + span) {
      const to = Math.min(until, bucketStart(from, timeframe) + span);
      const candles = await src.fetchClosedCandles({ symbol, timeframe, sinceMs: from, untilMs: to, nowMs: until + timeframeMs(timeframe) });
      await store.upsert(symbol, timeframe, candles);
      fetched += candles.length;
      gaps += findGaps(candles, timeframe).length;
      done++;
      io.progress?.(progressBar(done, total, `${symbol} ${timeframe} ${new Date(to).toISOString().slice(0, 10)} ${fetched} candles`));
    }
    io.progress?.('\n');
    io.out(`backfill ${symbol} ${timeframe}: ${fetched} candles from ${new Date(since).toISOString()} to ${new Date(until).toISOString()} in ${done} documents; ${gaps} gaps the source could not fill`);
    return 0;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
