/**
 * `npm run shadow -- --day YYYY-MM-DD [--port-offset N | --project ID] [--json]` (also `npm run eagle -- shadow …`):
 * the shadow backtest of one UTC day by hand (README → Shadow backtest), against the local stack
 * (default; `npm start -- --port-offset N` → `--port-offset N`) or a real project (ADC credentials).
 * It stores the verdict and raises the alert exactly as the daily audit does.
 * Exit codes: 0 verified (or every difference explained), 1 different / no day start / failed, 2 usage.
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { parseEnv } from '../functions/src/config/load.ts';
import { describeDifference } from '../functions/src/domain/shadow/compare.ts';
import { runShadowDay, type ShadowReport } from '../functions/src/services/shadowDay.ts';
import { createRuntime } from '../functions/src/wiring/trading.ts';
import { shadowDeps } from '../functions/src/wiring/shadow.ts';
import { localEnv } from './eagle/target.ts';
import { isLocalProject } from './eagle/reach.ts';
import { stdio, type Io } from './lib/cli.ts';

interface Flags {
  day: string;
  portOffset: number;
  project?: string;
  json: boolean;
}

const dayFlag = (v: string): string => {
  const t = Date.parse(`${v}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v)
    throw new InvalidArgumentError(`--day must be a UTC date like 2023-04-26 (got "${v}")`);
  return v;
};
const offsetFlag = (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) > 50_000)
    throw new InvalidArgumentError(`--port-offset must be a whole number from 0 to 50000 (got "${v}")`);
  return Number(v);
};

function program(io: Io): Command {
  return new Command('shadow')
    .description('replay one UTC day through the backtester from the state the bot started it with, and compare with the ledger')
    .requiredOption('--day <YYYY-MM-DD>', 'the UTC day to check', dayFlag)
    .option('--port-offset <n>', 'the local stack started with npm start -- --port-offset N', offsetFlag, 0)
    .option('--project <id>', 'a real Google Cloud project (ADC credentials); demo-* ids stay local')
    .option('--json', 'print the report as JSON', false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
}

export function formatShadow(r: ShadowReport): string[] {
  if (!r.ran) return [`shadow ${r.day}: not run — ${r.reason}`];
  const head =
    r.status === 'verified'
      ? `live = backtest ✓ ${r.day} (${r.liveTrades} trades)`
      : r.status === 'explained'
        ? `live ≈ backtest ${r.day}: ${r.differences.length} difference(s), each explained (${r.liveTrades} live, ${r.replayTrades} replayed)`
        : `live ≠ backtest ${r.day}: ${r.differences.filter((d) => !d.explainedBy).length} unexplained difference(s) of ${r.differences.length} (${r.liveTrades} live, ${r.replayTrades} replayed)`;
  return [
    head,
    ...r.events.map((e) => `  event ${e.cause} at ${new Date(e.at).toISOString()}: ${e.detail}`),
    ...r.differences.map((d) => `  ${describeDifference(d)}`),
  ];
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  let flags: Flags;
  try {
    flags = program(io).parse(argv, { from: 'user' }).opts<Flags>();
  } catch (err) {
    if (err instanceof CommanderError) return err.code === 'commander.helpDisplayed' ? 0 : 2;
    throw err;
  }
  const env = isLocalProject(flags.project)
    ? localEnv({ portOffset: flags.portOffset, project: flags.project, region: '' }).env
    : parseEnv({ ...process.env, PROJECT_ID: flags.project });
  const runtime = createRuntime(env);
  try {
    const report = await runShadowDay(await shadowDeps(runtime), flags.day.replaceAll('-', ''), Date.now());
    if (flags.json) io.out(JSON.stringify(report, null, 2));
    else for (const l of formatShadow(report)) io.out(l);
    return report.ran && report.status !== 'different' ? 0 : 1;
  } catch (err) {
    io.err(`shadow failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await runtime.db.terminate();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
