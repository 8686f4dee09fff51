/**
 * The strategy commands of `eagle`: `strategy new NAME`, `lookahead STRATEGY`, `recursive STRATEGY`. They run locally (no stack
 * needed). What they run (the strategies, the engine, zod, prettier) loads when one runs, so `eagle --help` pays for none of it.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { TIMEFRAMES, type Timeframe } from '../../functions/src/domain/candle.ts';
import { ConfigError } from '../../functions/src/domain/errors.ts';
import type { Io } from '../lib/cli.ts';

const number =
  (flag: string, min: number, max: number, whole = false) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n)))
      throw new InvalidArgumentError(`${flag} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}`);
    return n;
  };
const json = (v: string): unknown => {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw new InvalidArgumentError('--params must be a JSON object, e.g. \'{"rsiPeriod":10}\'');
  }
};

interface DataOpts {
  symbol: string;
  timeframe: Timeframe;
  candles: number;
  params?: unknown;
}

function dataOptions(cmd: Command, candles: number): Command {
  return cmd
    .option('--symbol <symbol>', 'bundled candles of this symbol', 'BTC/USDT')
    .addOption(new Option('--timeframe <tf>', 'decision timeframe').choices(TIMEFRAMES).default('4h'))
    .option('--candles <n>', 'the newest N candles', number('--candles', 300, 100_000, true), candles)
    .option('--params <json>', "the strategy's params (as in config/bot strategy.params)", json);
}

export function strategyCommands(program: Command, io: Io, setCode: (code: number) => void): void {
  const guarded = async (run: () => number | Promise<number>) => {
    try {
      setCode(await run());
    } catch (err) {
      const { StrategyNameError } = await import('./strategyNew.ts');
      if (!(err instanceof ConfigError || err instanceof StrategyNameError)) throw err;
      io.err(err.message);
      setCode(2);
    }
  };
  program
    .command('strategy')
    .description('strategies: `strategy new NAME` writes a template and its test to functions/src/strategies/')
    .command('new')
    .argument('<name>', 'lower_snake_case')
    .action((name: string) =>
      guarded(async () => {
        const [{ newStrategy }, { strategyNames }] = await Promise.all([
          import('./strategyNew.ts'),
          import('../../functions/src/strategies/registry.ts'),
        ]);
        for (const f of newStrategy(name, strategyNames())) io.out(`wrote ${f}`);
        io.out(
          `next: npx vitest run --project unit functions/src/strategies; npm run backtest -- --strategy ${name}; set strategy.name in config/bot`,
        );
        return 0;
      }),
    );
  dataOptions(
    program
      .command('lookahead')
      .description('re-run with the data cut at each signal: any signal or indicator that moves fails, naming it'),
    1500,
  )
    .argument('<strategy>')
    .option('--max-cuts <n>', 'signals to cut at, spread over the run', number('--max-cuts', 1, 1000, true), 25)
    .action((strategy: string, o: DataOpts & { maxCuts: number }) =>
      guarded(async () => (await import('./analysis.ts')).runLookahead({ strategy, ...o }, io)),
    );
  dataOptions(
    program
      .command('recursive')
      .description("indicators from the live tick's history vs the full history: the largest relative difference per indicator"),
    2000,
  )
    .argument('<strategy>')
    .option('--tolerance <x>', 'largest relative difference accepted', number('--tolerance', 0, 1), 0.02)
    .option('--every <n>', 'compare every n-th candle', number('--every', 1, 1000, true), 10)
    .action((strategy: string, o: DataOpts & { tolerance: number; every: number }) =>
      guarded(async () => (await import('./analysis.ts')).runRecursive({ strategy, ...o }, io)),
    );
}
