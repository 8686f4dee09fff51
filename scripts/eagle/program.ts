/**
 * `npm run eagle -- <command>`: one CLI for every operator action (commander; `--help` on every
 * command; unknown flags refused with the command's help). The Firestore and exchange clients load
 * only once a command runs against a stack that answers (import cost: help, usage errors and a
 * stopped stack answer in well under a second). Exit codes:
 *   0 done / healthy · 1 refused, failed, or needs attention (unhealthy, ledger drift, gaps)
 *   2 usage error (bad flag or value) · 3 target unreachable (stack not running, URL down)
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { TIMEFRAMES } from '../../functions/src/domain/candle.ts';
import type { Target, TargetOptions } from './target.ts';
import { isLocalProject, probeEmulator, UnreachableError } from './reach.ts';
import { formatResult } from './format.ts';
import { COMMANDS } from '../../functions/src/shared/commandSet.ts';
import { HTTP_TARGETS, invokeFunction } from './invoke.ts';
import { functionUrl, localPorts } from '../../infra/ports.ts';
import type { Io } from '../lib/io.ts';
import { strategyCommands } from './strategyCommands.ts';

export const EXIT = { ok: 0, attention: 1, usage: 2, unreachable: 3 } as const;

export interface ProgramDeps {
  io: Io;
  target?: (opts: TargetOptions) => Target;
  /** commands that delegate to other scripts (indicators, backtest, cost) */
  delegate?: (name: string, args: string[], io: Io) => Promise<number>;
}

interface GlobalOpts {
  portOffset: number;
  project?: string;
  url?: string;
  region: string;
  json: boolean;
}

const intFlag = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

export function buildProgram(deps: ProgramDeps, setCode: (code: number) => void): Command {
  const { io } = deps;
  const program = new Command('eagle')
    .description('Operate Eagle Eye: a local stack (default) or a deployed project (--project ID)')
    .addOption(
      new Option('--port-offset <n>', 'target the local stack started with npm start -- --port-offset N')
        .argParser(intFlag('--port-offset', 0, 50_000))
        .default(0),
    )
    .option('--project <id>', 'a real Google Cloud project (calls its admin function with ADC); demo-* ids stay local')
    .option('--url <url>', "the admin function's URL (default https://REGION-PROJECT.cloudfunctions.net/admin)")
    .option('--region <region>', 'region of the deployed functions', process.env.SCHEDULER_REGION ?? 'europe-west1')
    .option('--json', 'print the raw JSON result (for scripts)', false)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const action =
    (
      name: string,
      build: (args: unknown[], opts: Record<string, unknown>) => Record<string, unknown>,
      via?: (opts: Record<string, unknown>) => Promise<Target | undefined>,
    ) =>
    async (...args: unknown[]) => {
      const cmd = args.at(-1) as Command;
      const g = cmd.optsWithGlobals() as GlobalOpts & Record<string, unknown>;
      const opts: TargetOptions = { portOffset: g.portOffset, project: g.project, url: g.url, region: g.region };
      let target: Target | undefined;
      try {
        target = (await via?.(cmd.opts())) ?? (deps.target ? deps.target(opts) : await makeTarget(opts, g.json ? undefined : io.progress));
        const answer = await target.run({ action: name, ...build(args.slice(0, -2), cmd.opts()) });
        if (g.json) io.out(JSON.stringify(answer.status === 200 ? answer.body.result : answer.body, null, 2));
        if (answer.status !== 200) {
          if (!g.json) io.err(`${name}: ${answer.body.error ?? `HTTP ${answer.status}`}`);
          return setCode(answer.status === 400 ? EXIT.usage : EXIT.attention);
        }
        const shown = formatResult(name, answer.body.result);
        if (!g.json) for (const l of shown.lines) io.out(l);
        setCode(shown.code);
      } catch (err) {
        if (err instanceof CommanderError) throw err;
        io.err(`${name}: ${(err as Error).message}`);
        setCode(err instanceof UnreachableError ? EXIT.unreachable : EXIT.attention);
      } finally {
        await target?.close();
      }
    };

  program
    .command('tick')
    .description('run one tick now on the target stack')
    .option('--as-of <iso>', 'replay only: tick as of this market time')
    .action(action('tick', (_a, o) => (o.asOf ? { asOf: o.asOf } : {})));
  program
    .command('backfill')
    .description("fetch and store candle history (never past the target stack's clock)")
    .requiredOption('--symbol <symbol>', 'e.g. BTC/USDT')
    .addOption(new Option('--timeframe <tf>', 'candle timeframe').choices(TIMEFRAMES).makeOptionMandatory())
    .requiredOption('--since <date>', 'first day, YYYY-MM-DD')
    .option('--until <date>', "end (exclusive), YYYY-MM-DD; default and maximum: the stack's clock")
    .action(
      action('backfill', (_a, o) => ({ symbol: o.symbol, timeframe: o.timeframe, since: o.since, ...(o.until ? { until: o.until } : {}) })),
    );
  program
    .command('check-gaps')
    .description('missing candles per symbol in the stored history (exit 1 when any)')
    .addOption(
      new Option('--timeframe <tf>', 'timeframe, or all: the ones the bot stores (decision + stop-check)')
        .choices([...TIMEFRAMES, 'all'])
        .default('all'),
    )
    .addOption(new Option('--days <n>', 'days of history to check').argParser(intFlag('--days', 1, 366)).default(7))
    .action(action('check-gaps', (_a, o) => ({ timeframe: o.timeframe, days: o.days })));
  program
    .command('regenerate-signal')
    .description('re-publish signals/{id} to executeOrder (a filled one stays filled: idempotent)')
    .argument('<signalId>', '32 hex chars')
    .action(action('regenerate-signal', ([id]) => ({ signalId: id })));
  for (const [name, what] of [
    ['pause', 'no new entries (exits still run)'],
    ['resume', 'back to NORMAL and resume the scheduler (never out of KILLED)'],
    ['kill', 'KILLED: flatten the book, no entries'],
    ['reset', 'leave KILLED (authenticated)'],
  ] as const) {
    program
      .command(name)
      .description(what)
      .option('--reason <text>', 'why (recorded in status/system and audit_log)')
      .action(action(name, (_a, o) => (o.reason ? { reason: o.reason } : {})));
  }
  program
    .command('scheduler-pause')
    .description(
      'stop the trading Scheduler: no tick runs, so no stop, trailing stop, take-profit or kill switch is checked until `resume`',
    )
    .option('--confirm', 'required: I know open positions are unprotected while it is stopped')
    .option('--reason <text>', 'why (recorded in status/system and audit_log)')
    .action(action('scheduler-pause', (_a, o) => ({ ...(o.confirm ? { confirm: true } : {}), ...(o.reason ? { reason: o.reason } : {}) })));
  program
    .command('force-exit')
    .description("sell a symbol's open position (or every one: all) at the newest stored close (reason manual)")
    .argument('<symbol>', 'e.g. BTC/USDT, or all')
    .action(action('force-exit', ([symbol]) => ({ symbol })));
  program
    .command('health')
    .description('the post-deploy checklist: ticking, mode, feeds, alerts, dead letters, ledger (exit 1 when not OK)')
    .option('--since <duration>', 'window for alerts and dead letters, e.g. 72h or 3d', '72h')
    .action(action('health', (_a, o) => ({ since: o.since })));
  program
    .command('audit')
    .description('replay trades/ against the wallet and positions (exit 1 on drift); incremental from the last clean audit')
    .option('--full', 'replay the whole ledger from the opening wallet')
    .option(
      '--rollups',
      'with a full replay: rebuild the daily rollups (rollups/{day}) from the ledger and the equity marks, e.g. after a restore',
    )
    .action(action('audit', (_a, o) => ({ ...(o.full ? { full: true } : {}), ...(o.rollups ? { rollups: true } : {}) })));
  program
    .command('reconcile')
    .description(
      'live mode: exchange balances and open orders against the ledger (exit 1 on drift); --confirm books the drift as adjustments',
    )
    .option(
      '--confirm',
      'book each difference as an adjustment in the ledger (with the exchange evidence); back to NORMAL from REDUCING when clean after',
    )
    .option('--reason <text>', 'required with --confirm: why (kept in each adjustment entry and audit_log)')
    .action(action('reconcile', (_a, o) => ({ ...(o.confirm ? { confirm: true } : {}), ...(o.reason ? { reason: o.reason } : {}) })));
  program
    .command('unlock')
    .description('lift protection locks: entries resume at the next tick (stops never stopped)')
    .argument('<target>', 'a symbol (e.g. BTC/USDT), all, or a lock id from eagle locks')
    .option('--reason <text>', 'why (recorded in audit_log)')
    .action(action('unlock', ([target], o) => ({ target, ...(o.reason ? { reason: o.reason } : {}) })));
  const explicit = new Set(program.commands.map((c) => c.name()));
  for (const spec of COMMANDS.filter((c) => !explicit.has(c.name))) {
    const args = spec.usage.split(' ').slice(1).join(' ');
    program
      .command(spec.name)
      .description(spec.summary)
      .usage(args)
      .argument('[args...]', args)
      .action(action(spec.name, ([words]) => spec.params((words as string[] | undefined) ?? [])));
  }
  program
    .command('config')
    .description('show config/bot, or validate and replace it with --set FILE')
    .option('--set <file.json>', 'a JSON config/bot document; refused (naming the field) when invalid')
    .option('--dry-run', 'with --set: validate offline exactly as the admin function will, store nothing (no stack needed)')
    .action(
      action(
        'config',
        (_a, o) => {
          if (o.dryRun && !o.set) throw new CommanderError(EXIT.usage, 'eagle.usage', '--dry-run goes with --set <file.json>');
          return o.set ? { set: readJson(String(o.set), '--set') } : {};
        },
        async (o) => {
          if (!o.dryRun) return undefined;
          // loaded only for a dry run: the admin function's checks and the venue's rules, no stack
          const [{ offlineConfigTarget }, { cliEnv }] = await Promise.all([import('./configDryRun.ts'), import('../lib/cli.ts')]);
          return offlineConfigTarget(cliEnv());
        },
      ),
    );

  const delegated = (name: string, description: string, usage: string) =>
    program
      .command(name)
      .description(description)
      .usage(usage)
      .helpOption('--help-eagle', `help for eagle ${name}`)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(async (...args: unknown[]) => {
        const cmd = args.at(-1) as Command;
        setCode(await (deps.delegate ?? delegateToScript)(name, cmd.args, io));
      });
  program
    .command('invoke')
    .description('POST to a function of the target stack by hand (local by default; --url for a deployed one)')
    .argument('<function>', HTTP_TARGETS.join(' | '))
    .option('--data <file.json>', 'JSON body to send (default {})')
    .option('--as-of <iso>', 'tick only, replay only: tick as of this market time')
    .option('--token <token>', 'bearer token (default for https URLs: gcloud auth print-identity-token)')
    .action(async (fn: string, o: { data?: string; asOf?: string; token?: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalOpts;
      if (!HTTP_TARGETS.includes(fn)) throw new InvalidArgumentError(`<function> must be one of ${HTTP_TARGETS.join(', ')} (got "${fn}")`);
      const body = o.data ? readJson(o.data, '--data') : o.asOf ? { asOf: o.asOf } : {};
      setCode(
        await invokeFunction(io, {
          target: fn,
          body,
          url: g.url ?? functionUrl(localPorts(g.portOffset), fn),
          token: o.token,
          json: g.json,
        }),
      );
    });
  delegated('indicators', 'indicators + regime per row of a candle CSV', '<candles.csv[.gz]>');
  delegated('backtest', 'the backtester (npm run backtest; backtest --help for its flags)', '[backtest flags]');
  delegated('cost', 'projected monthly bill from a measured emulator run', '[--ticks N] [--json]');
  delegated('shadow', 'the shadow backtest of one UTC day (npm run shadow; shadow --help for its flags)', '--day YYYY-MM-DD');
  strategyCommands(program, io, setCode);
  return program;
}

/** A local stack is probed before its clients load (Firestore alone costs ~1 s to import). */
async function makeTarget(opts: TargetOptions, progress?: (line: string) => void): Promise<Target> {
  const local = isLocalProject(opts.project) && !opts.url;
  if (local) await probeEmulator(localPorts(opts.portOffset), opts.portOffset);
  const { localTarget, remoteTarget } = await import('./target.ts');
  return local ? localTarget(opts, progress) : remoteTarget({ ...opts, project: opts.project ?? 'local' });
}

/** indicators, backtest and cost are scripts of their own; eagle passes the arguments through. */
async function delegateToScript(name: string, args: string[], io: Io): Promise<number> {
  const modules: Record<string, string> = {
    indicators: '../indicators.ts',
    backtest: '../backtest.ts',
    cost: '../cost.ts',
    shadow: '../shadow.ts',
  };
  let mod: { main(argv: string[], io: Io): number | Promise<number> };
  try {
    mod = (await import(modules[name]!)) as typeof mod;
  } catch {
    io.err(`eagle ${name}: not available in this checkout (scripts/${name}.ts is missing)`);
    return EXIT.usage;
  }
  return mod.main(args, io);
}

function readJson(file: string, flag: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new CommanderError(EXIT.usage, 'eagle.usage', `${flag}: cannot read JSON from ${file}: ${(err as Error).message}`);
  }
}

export async function runEagle(argv: string[], deps: ProgramDeps): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(deps, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return EXIT.ok;
      if (err.code === 'eagle.usage' || err.code === 'commander.invalidArgument') deps.io.err(err.message);
      return EXIT.usage;
    }
    throw err;
  }
}
