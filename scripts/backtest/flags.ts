/** The backtester's flag parsers, shared with the optimiser (`npm run optimize`): each names its flag when it refuses a value. */
import { readFileSync } from 'node:fs';
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander';
import { EnvSchema } from '../../functions/src/config/schema.ts';
import { ConfigError } from '../../functions/src/domain/errors.ts';
import { INDICATOR_WARMUP } from '../../functions/src/domain/indicators/index.ts';
import { UsageError, type Io } from '../lib/cli.ts';
import { DataFileError } from './data.ts';
import { TIMEFRAMES, type Timeframe } from '../../functions/src/domain/candle.ts';

/** The flags both CLIs take for the data and the run's configuration (parsed by the helpers below). */
export interface DataFlags {
  data?: string;
  symbols: string;
  timeframe: Timeframe;
  from?: string;
  to?: string;
  strategy?: string;
  params?: string;
  feeBps?: number;
  slippageBps?: number;
  initial?: string;
}

export const num = (flag: string, min: number, max: number) => (v: string) => {
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new InvalidArgumentError(`${flag} must be a number from ${min} to ${max} (got "${v}")`);
  return n;
};
export const int = (flag: string, min: number, max: number) => (v: string) => {
  const n = num(flag, min, max)(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} must be a whole number (got "${v}")`);
  return n;
};
/** basis points as config/bot takes them: 0 to 1000 (10 %), in steps of 0.01 */
export const bps = (flag: string) => (v: string) => {
  const n = num(flag, 0, 1000)(v);
  if (Math.abs(n * 100 - Math.round(n * 100)) > 1e-9) throw new InvalidArgumentError(`${flag} takes at most 2 decimals (got "${v}")`);
  return n;
};
export const cash = (v: string) => {
  if (!/^\d{1,12}(\.\d{1,8})?$/.test(v) || !/[1-9]/.test(v))
    throw new InvalidArgumentError(`--initial must be a positive decimal amount such as 10000 (got "${v}")`);
  return v;
};
export const warmup = (v: string) => {
  const n = int('--warmup', 0, 5000)(v);
  if (n > 0 && n < INDICATOR_WARMUP)
    throw new InvalidArgumentError(`--warmup must be 0 (none) or from ${INDICATOR_WARMUP} (the indicators' warm-up) to 5000 (got "${v}")`);
  return n;
};
export const split = (v: string) => {
  const m = /^(\d{1,4}):(\d{1,4})$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new InvalidArgumentError(`--walk-forward must be TRAIN_DAYS:TEST_DAYS such as 14:7 (got "${v}")`);
  return v;
};
export const day = (flag: string) => (v: string) => {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(t) || v.length > 40)
    throw new InvalidArgumentError(`${flag} must be an ISO date or time such as 2023-03-20 (got "${v}")`);
  return v;
};
export const timeOf = (v: string | undefined) => (v === undefined ? undefined : Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v));

export function readJson(file: string, flag: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${flag}: cannot read JSON from ${file}: ${(err as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`${flag}: ${file} must hold a JSON object`);
  return v as Record<string, unknown>;
}

/** The exit code of a failed run (2 usage, named; 1 bad data, file and line named); anything else is a bug and is rethrown. */
export function exitCode(err: unknown, io: Io): number {
  if (err instanceof CommanderError) return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' ? 0 : 2;
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof DataFileError) {
    io.err(err.message);
    return err instanceof DataFileError ? 1 : 2;
  }
  throw err;
}

/** The product's defaults (what the live tick trades without configuration), not the CLIs' own. */
export const ENV_DEFAULTS = EnvSchema.parse({});

/** Both CLIs' data and run options (DataFlags), with the product's defaults; `paramsHelp` says what --params feeds. */
export function dataOptions(cmd: Command, paramsHelp: string): Command {
  return cmd
    .option(
      '--data <files>',
      'comma-separated CSVs named <BASE>_<QUOTE>-<tf>[-anything].csv[.gz] (header timestamp_ms,open,high,low,close,volume)',
    )
    .option('--symbols <list>', 'bundled symbols, comma-separated (without --data)', ENV_DEFAULTS.SYMBOLS.join(','))
    .addOption(
      new Option('--timeframe <tf>', 'decision timeframe (finer data is rolled up)')
        .choices([...TIMEFRAMES])
        .default(ENV_DEFAULTS.TIMEFRAME),
    )
    .option('--from <iso>', 'first candle (inclusive)', day('--from'))
    .option('--to <iso>', 'end (exclusive)', day('--to'))
    .option('--strategy <name>', 'strategy name (default: config default)')
    .option('--params <file.json>', paramsHelp)
    .option('--fee-bps <n>', 'paper fee in basis points (0 to 1000)', bps('--fee-bps'))
    .option('--slippage-bps <n>', 'paper slippage in basis points (0 to 1000)', bps('--slippage-bps'))
    .option('--initial <cash>', 'initial cash (a positive decimal)', cash);
}
