/**
 * `npm run chaos -- --signals N [--port-offset K] [--seed S]`: the chaos run (chaosScenario.ts) on its
 * own emulators (project demo-eagle-eye-chaos, ports shifted by K, default 7000), with executeOrder
 * served in-process by functions-framework on the port its push subscription targets.
 * Last line: `chaos: signals=N fills=F duplicates=D lost=L stale_fills=S audit=clean|drift`; exit 0 when
 * D = 0, L = 0, S = 0 and the audit is clean, 1 otherwise, 2 on a usage error.
 */
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { startEmulatorStack, type EmulatorStack } from '../../emulators/stack.ts';
import { functionPort } from '../../infra/ports.ts';
import { parseEnv } from '../../functions/src/config/load.ts';
import { createRuntime, type Runtime } from '../../functions/src/wiring/trading.ts';
import { stdio, parseOrAnswer, UsageError, type Io } from '../lib/cli.ts';
import { chaosLiveLine, runChaosLive, startLiveChaos, type LiveChaosSetup } from './chaosLive.ts';
import { CHAOS_ENV, chaosExecutor, quietInjectedCrashes, chaosLine, runChaos, seededRandom } from './chaosScenario.ts';

const USAGE =
  'usage: npm run chaos -- --signals N (1..100000) [--port-offset K (default 7000)] [--seed S]\n       npm run chaos -- --live --orders N (1..100000) [--port-offset K] [--seed S]   (live, against the exchange simulator)';
const PROJECT_ID = 'demo-eagle-eye-chaos';

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${raw}")`);
  return Number(raw);
}

function parse(argv: string[]): { signals: number; portOffset: number; seed: number; live: boolean; help: boolean } {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        signals: { type: 'string' },
        orders: { type: 'string' },
        live: { type: 'boolean' },
        'port-offset': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (v.help) return { signals: 0, portOffset: 0, seed: 0, live: false, help: true };
  const live = v.live === true;
  if (live ? v.signals !== undefined : v.orders !== undefined)
    throw new UsageError(live ? '--live counts --orders, not --signals' : '--orders goes with --live');
  const count = live ? v.orders : v.signals;
  if (count === undefined) throw new UsageError(live ? '--orders is required with --live' : '--signals is required');
  return {
    live,
    signals: wholeNumber(live ? 'orders' : 'signals', count, 1, 100_000),
    portOffset: wholeNumber('port-offset', v['port-offset'] ?? '7000', 0, 50_000),
    seed: wholeNumber('seed', v.seed ?? '1', 0, 2 ** 31),
    help: false,
  };
}

export async function chaosMain(argv: string[], io: Io): Promise<number> {
  const opts = parseOrAnswer(argv, parse, USAGE, io);
  if (typeof opts === 'number') return opts;
  const loud = quietInjectedCrashes();
  let stack: EmulatorStack | undefined;
  let server: Server | undefined;
  let runtime: Runtime | undefined;
  let live: LiveChaosSetup | undefined;
  try {
    // Its own emulators (reuseFromEnv false): an exported FIRESTORE_EMULATOR_HOST is never touched.
    stack = await startEmulatorStack({ projectId: PROJECT_ID, portOffset: opts.portOffset, reuseFromEnv: false });
    const started = stack;
    // Ctrl-C stops the emulators this run started.
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void started.stop().finally(() => process.exit(130)));
    process.env.FIRESTORE_EMULATOR_HOST = stack.firestoreHost;
    process.env.PUBSUB_EMULATOR_HOST = stack.pubsubHost;
    if (opts.live) live = await startLiveChaos(opts.seed);
    runtime = live
      ? createRuntime(parseEnv({ ...stack.env, ...live.env, LOG_LEVEL: 'error' }), { broker: () => live!.broker })
      : createRuntime(parseEnv({ ...stack.env, ...CHAOS_ENV, LOG_LEVEL: 'error' }));
    const executor = chaosExecutor(runtime, seededRandom(opts.seed + 1), 0.05, live?.market);
    ff.cloudEvent('executeOrder', executor.fn);
    const s = getTestServer('executeOrder');
    server = s;
    await new Promise<void>((resolve, reject) =>
      s.once('error', reject).listen(functionPort(stack!.ports, 'executeOrder'), stack!.ports.host, () => resolve()),
    );
    if (live) {
      const r = await runChaosLive(runtime, executor, live.sim, {
        signals: opts.signals,
        seed: opts.seed,
        progress: (l) => io.out(`  ${l}`),
      });
      io.out(
        `chaos-live: published ${r.chaos.published} messages, ${r.chaos.deliveries} deliveries; crashes ${Object.entries(r.chaos.crashes)
          .map(([k, n]) => `${k}=${n}`)
          .join(' ')}; exchange faults ${Object.entries(r.faultHits)
          .map(([k, n]) => `${k}=${n}`)
          .join(' ')}; rejected ${r.chaos.rejected} (${Object.entries(r.rejectedBy)
          .map(([k, n]) => `${k}=${n}`)
          .join(' ')}); dead letters ${r.chaos.deadLetters}`,
      );
      if (r.differences.length) io.err(`chaos-live: drift: ${r.differences.join('; ')}`);
      io.out(chaosLiveLine(r));
      return r.duplicates === 0 && r.lost === 0 && r.reconciled === 'clean' ? 0 : 1;
    }
    const report = await runChaos(runtime, executor, { signals: opts.signals, seed: opts.seed, progress: (l) => io.out(`  ${l}`) });
    io.out(
      `chaos: published ${report.published} messages (${report.published - report.signals} duplicates) in ${report.publishMs} ms; settled ${report.settleMs} ms later after ${report.deliveries} deliveries`,
    );
    io.out(
      `chaos: crashes ${Object.entries(report.crashes)
        .map(([k, n]) => `${k}=${n}`)
        .join(
          ' ',
        )}; other errors ${report.unexpectedErrors.length}; rejected ${report.rejected}; dead letters ${report.deadLetters} (stale entries ${report.staleDeadLetters})`,
    );
    io.out(
      `chaos: late deliveries ${report.lateDeliveries} (first delivered late ${report.firstDeliveredLate}); exits repriced at the current candle ${report.repricedExits}; mode changes ${report.modeChanges}`,
    );
    if (report.discrepancies.length) io.err(`chaos: audit drift: ${report.discrepancies.join('; ')}`);
    io.out(chaosLine(report));
    return report.duplicates === 0 && report.lost === 0 && report.staleFills === 0 && report.audit === 'clean' ? 0 : 1;
  } catch (err) {
    io.err(`chaos FAILED: ${(err as Error).message}`);
    return 1;
  } finally {
    loud();
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
    }
    await runtime?.db.terminate();
    await live?.sim.stop();
    await stack?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await chaosMain(process.argv.slice(2), stdio);
  // The runtime's Pub/Sub client keeps sockets open; the emulators are already stopped.
  process.exit();
}
