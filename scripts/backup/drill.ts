/**
 * `npm run drill [-- --port-offset N] [--dir DIR]`: the recovery drill (drillScenario.ts) on its own
 * emulators (project demo-eagle-eye-drill, ports shifted by N, default 6000), so it never touches
 * the data of a running `npm start`. executeOrder is served in-process by functions-framework on the
 * port its push subscription targets, as the integration suite does.
 * Prints `drill: trades=N restored=N audit=clean duplicate_refill=0` and the measured times; exit 0
 * when the drill passed, 1 when it did not, 2 on a usage error.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { clearFirestore, startEmulatorStack, type EmulatorStack } from '../../emulators/stack.ts';
import { functionPort } from '../../infra/ports.ts';
import { parseEnv } from '../../functions/src/config/load.ts';
import { createRuntime } from '../../functions/src/wiring/trading.ts';
import { stdio, parseOrAnswer, UsageError, type Io } from '../lib/cli.ts';
import { DRILL_ENV, drillLine, observedExecutor, runDrill } from './drillScenario.ts';

const USAGE = 'usage: npm run drill [-- --port-offset N (default 6000)] [--dir DIR (default: a new temporary directory)]';
const PROJECT_ID = 'demo-eagle-eye-drill';

function parse(argv: string[]): { portOffset: number; dir?: string; help: boolean } {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: { 'port-offset': { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const raw = v['port-offset'] ?? '6000';
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 50_000)
    throw new UsageError(`--port-offset must be a whole number from 0 to 50000 (got "${raw}")`);
  return { portOffset: Number(raw), dir: v.dir, help: v.help === true };
}

function serveExecuteOrder(stack: EmulatorStack, fn: ff.CloudEventFunction): Promise<Server> {
  ff.cloudEvent('executeOrder', fn);
  const server = getTestServer('executeOrder');
  return new Promise((resolve, reject) =>
    server.once('error', reject).listen(functionPort(stack.ports, 'executeOrder'), stack.ports.host, () => resolve(server)),
  );
}

export async function drillMain(argv: string[], io: Io): Promise<number> {
  const opts = parseOrAnswer(argv, parse, USAGE, io);
  if (typeof opts === 'number') return opts;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'eagle-drill-')));
  // The drill's own emulators: reuseFromEnv false, so an exported FIRESTORE_EMULATOR_HOST is never wiped.
  let stack: EmulatorStack | undefined;
  let server: Server | undefined;
  try {
    stack = await startEmulatorStack({ projectId: PROJECT_ID, portOffset: opts.portOffset, reuseFromEnv: false });
    const executor = observedExecutor();
    server = await serveExecuteOrder(stack, executor.fn);
    // Google client libraries find emulators only through the process environment.
    const { firestoreHost } = stack;
    process.env.FIRESTORE_EMULATOR_HOST = firestoreHost;
    process.env.PUBSUB_EMULATOR_HOST = stack.pubsubHost;
    const env = parseEnv({ ...stack.env, ...DRILL_ENV, LOG_LEVEL: 'error' });
    const report = await runDrill({
      newRuntime: () => createRuntime(env),
      wipe: () => clearFirestore(firestoreHost, PROJECT_ID),
      executor,
      dir,
      progress: (l) => io.out(`  ${l}`),
    });
    io.out(drillLine(report));
    io.out(
      `drill: backup ${report.documents} documents in ${report.backupMs} ms → ${dir}; restore ${report.restoreMs} ms (read, check, write, audit: the data step of the RTO for this book)`,
    );
    io.out(
      `drill: redelivered ${report.redelivered.signalId} → ${report.redelivered.outcome}; first tick after resume ${report.resumedTick.map((s) => `${s.symbol} +${s.ingested} candle(s)`).join(', ')}; ${report.ticksAfter} ticks → ${report.tradesAfter} trades`,
    );
    const passed =
      report.audit === 'clean' &&
      report.duplicateRefill === 0 &&
      report.redelivered.outcome === 'duplicate' &&
      report.restored === report.trades;
    if (!passed) io.err(`drill FAILED${report.discrepancies.length ? `: ${report.discrepancies.join('; ')}` : ''}`);
    return passed ? 0 : 1;
  } catch (err) {
    io.err(`drill FAILED: ${(err as Error).message}`);
    return 1;
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
    }
    await stack?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await drillMain(process.argv.slice(2), stdio);
  // Pub/Sub clients of the drill's runtimes keep sockets open; the emulators are already stopped.
  process.exit();
}
