/**
 * `npm start` — the whole bot on this machine: Firestore + Pub/Sub emulators, every function served
 * by functions-framework (one process and port each, like production's separate instances), the
 * local scheduler firing production's jobs, and the dashboard. Ctrl-C stops all of it.
 *
 *   npm start -- --speed 60            replay 60× faster than real time (one 1m candle per second)
 *   npm start -- --start 2023-04-10T00:00:00Z
 *   npm start -- --port-offset 2000     every port shifted, to run a second stack beside the first
 *   npm start -- --exchange sim         LIVE trading against the local exchange simulator (scripts/exchangeSim):
 *                                       ccxt over HTTP, signed orders, fills and stops, on the replayed candles
 *
 * The npm script is `exec node --import tsx`: `exec`, so a SIGTERM/SIGINT sent to npm alone (a
 * supervisor, `timeout`) reaches this process instead of stopping at npm's `sh -c`; `--import` rather
 * than the tsx CLI, whose signal relay SIGKILLs a child that doesn't acknowledge within ~60 ms, which
 * under load orphaned the emulators. test/integration/start.test.ts covers it.
 */
import { existsSync, createWriteStream, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseEnv } from '../functions/src/config/load.ts';
import { usesReplayClock } from '../functions/src/config/schema.ts';
import { ConfigError } from '../functions/src/domain/errors.ts';
import { FUNCTIONS, schedulerJobs } from '../infra/definitions.ts';
import { localSignalWebhookEnv } from './signal/local.ts';
import { exchangeSimPort, functionPort, functionUrl, localPorts } from '../infra/ports.ts';
import { startEmulatorStack, type EmulatorStack } from '../emulators/stack.ts';
import { EmulatorSetupError } from '../emulators/emulator.ts';
import { stopEveryGroup } from '../emulators/processGroup.ts';
import { startScheduler } from './local/scheduler.ts';
import { BUNDLED_SPAN } from '../functions/src/adapters/replay/bundledSpan.ts';
import { schedulerPausedFlag } from './local/schedulerPause.ts';
import { startProcess, waitForPort, type ManagedProcess } from './local/processes.ts';
import { formatTickLine, formatFunctionLog } from './local/format.ts';
import { seedDashboardUsers } from './local/dashboardUsers.ts';
import { parseStartArgs, USAGE, type StartArgs } from './local/startArgs.ts';
import { CLOUD_RUNTIME, nodeMismatch } from '../functions/src/runtime.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOG_DIR = join(ROOT, '.emulators', 'logs');

const mismatch = nodeMismatch();
if (mismatch) {
  console.error(mismatch);
  process.exit(1);
}

let args: StartArgs;
try {
  args = parseStartArgs(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const { portOffset } = args;
if (existsSync(join(ROOT, '.env'))) process.loadEnvFile(join(ROOT, '.env'));

/**
 * `--exchange sim`: live mode end to end against the exchange simulator, one more local process on its
 * own port. The functions trade live through ccxt (MARKET_SOURCE=ccxt, TRADING_MODE=live) with a key
 * made up for this run, pointed at the simulator (EXCHANGE_API_URL), on the same replay clock.
 */
const simUrl = `http://${localPorts(portOffset).host}:${exchangeSimPort(portOffset)}`;
const simEnv: Record<string, string> =
  args.exchange === 'sim'
    ? {
        TRADING_MODE: 'live',
        MARKET_SOURCE: 'ccxt',
        MARKET_CLOCK: 'replay',
        EXCHANGE_API_URL: simUrl,
        EXCHANGE_API_KEY: randomBytes(24).toString('hex'),
        EXCHANGE_API_SECRET: randomBytes(32).toString('hex'),
      }
    : {};

let anchor = Date.now();
let env;
try {
  env = parseEnv({
    ...process.env,
    ...simEnv,
    REPLAY_SPEED: args.speed ?? process.env.REPLAY_SPEED,
    REPLAY_START: args.start ?? process.env.REPLAY_START,
  });
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}

const children: ManagedProcess[] = [];
let stack: EmulatorStack | undefined;
let scheduler: { stop(): void } | undefined;
/** A replay runs out of data where the bundled candles end: the scheduler stops there and the page says so. */
const replayClock = usesReplayClock(env);
const replayEnd = replayClock ? BUNDLED_SPAN.untilMs : undefined;
let stopping: Promise<never> | undefined;
/**
 * Stop everything, once. Ctrl-C delivers SIGINT twice (the terminal signals the whole group and npm
 * forwards its copy): the second must wait for the first stop, not exit and orphan the emulators.
 */
function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    console.log('\nstopping…');
    scheduler?.stop();
    await Promise.all(children.map((c) => c.stop()));
    await stack?.stop();
    // A stop while the emulators were still booting: `stack` is not set yet, but their groups are known.
    await stopEveryGroup();
    process.exit(code);
  })();
  return stopping;
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));
// If the launcher dies without passing a signal on (SIGKILL), stop too rather than leave Java running.
const launcher = process.ppid;
setInterval(() => {
  try {
    process.kill(launcher, 0);
  } catch {
    void shutdown(0);
  }
}, 1000).unref();

try {
  mkdirSync(LOG_DIR, { recursive: true });
  console.log(`Node ${process.versions.node} (the deploy runtime is ${CLOUD_RUNTIME})`);
  console.log('building functions…');
  await import(join(ROOT, 'functions/build.mjs'));
  console.log('starting emulators…');
  // Production's security rules and sign-in, locally: the dashboard reads as a signed-in, allow-listed user.
  stack = await startEmulatorStack({
    projectId: env.PROJECT_ID,
    portOffset,
    reuseFromEnv: true,
    rules: join(ROOT, 'firestore.rules'),
    auth: true,
  });
  const dashboardUsers = await seedDashboardUsers(env.PROJECT_ID, stack.env);
  const dashboardOrigin = `http://${stack.ports.host}:${stack.ports.hosting}`;
  // Market time starts now, once the slow parts (build, emulators) are done: the first tick sees REPLAY_START.
  anchor = Date.now();
  const childEnv = {
    ...process.env,
    ...simEnv,
    ...stack.env,
    REPLAY_ANCHOR_MS: String(anchor),
    REPLAY_SPEED: String(env.REPLAY_SPEED),
    REPLAY_START: env.REPLAY_START,
    METADATA_SERVER_DETECTION: 'none',
    // The dashboard calls the admin function from its origin (CORS).
    ADMIN_ALLOWED_ORIGINS: process.env.ADMIN_ALLOWED_ORIGINS ?? dashboardOrigin,
    // the signal webhook's source "local", for `npm run signal -- send` (unless SIGNAL_WEBHOOK_SECRETS is set)
    ...localSignalWebhookEnv(ROOT, functionUrl(stack.ports, 'signalWebhook')),
  };
  if (args.exchange === 'sim') {
    const simLog = createWriteStream(join(LOG_DIR, 'exchange-sim.log'));
    const sim = startProcess(
      'exchange-sim',
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/exchangeSim/main.ts'), '--port', String(exchangeSimPort(portOffset))],
      {
        env: childEnv,
        cwd: ROOT,
        onLine: (line) => {
          simLog.write(`${line}\n`);
          if (line.includes('"POST /api/v3/order"') || line.includes('listening') || !line.startsWith('{'))
            console.log(`[exchange-sim] ${line}`);
        },
      },
    );
    sim.child.once('exit', (code) => {
      if (!stopping) {
        console.error(`the exchange simulator exited (code ${code}); see ${join(LOG_DIR, 'exchange-sim.log')}`);
        void shutdown(1);
      }
    });
    children.push(sim);
    await waitForPort(stack.ports.host, exchangeSimPort(portOffset), 30_000, () => sim.child.exitCode === null);
    console.log(`  exchange simulator ${simUrl}/  (admin: ${simUrl}/__sim/state)`);
  }
  const ffMain = join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
  // functions-framework has no --host: this preload binds its servers to 127.0.0.1 (see the file).
  const BIND_LOOPBACK = pathToFileURL(join(ROOT, 'scripts/local/bindLoopback.mjs')).href;
  for (const fn of FUNCTIONS) {
    const log = createWriteStream(join(LOG_DIR, `${fn.target}.log`));
    const port = functionPort(stack.ports, fn.target);
    const proc = startProcess(
      fn.target,
      process.execPath,
      [
        '--import',
        BIND_LOOPBACK,
        ffMain,
        `--target=${fn.target}`,
        `--signature-type=${fn.signature}`,
        `--port=${port}`,
        '--source=lib/index.js',
      ],
      {
        env: { ...childEnv, EAGLE_FUNCTION: fn.target },
        cwd: join(ROOT, 'functions'),
        onLine: (line) => {
          log.write(`${line}\n`);
          const shown = formatFunctionLog(fn.target, line);
          if (shown) console.log(shown);
        },
      },
    );
    proc.child.once('exit', (code) => {
      if (!stopping) {
        console.error(`function ${fn.target} exited (code ${code}); see ${join(LOG_DIR, `${fn.target}.log`)}`);
        void shutdown(1);
      }
    });
    children.push(proc);
  }
  await Promise.all(
    FUNCTIONS.map((fn, i) =>
      waitForPort(stack!.ports.host, functionPort(stack!.ports, fn.target), 30_000, () => children[i]!.child.exitCode === null),
    ),
  );
  for (const fn of FUNCTIONS) console.log(`  function ${fn.target.padEnd(13)} ${functionUrl(stack.ports, fn.target)}`);

  if (!args.noDashboard) {
    const vite = startProcess(
      'dashboard',
      process.execPath,
      [join(ROOT, 'node_modules/vite/bin/vite.js'), '--port', String(stack.ports.hosting), '--strictPort', '--host', stack.ports.host],
      {
        cwd: join(ROOT, 'web'),
        env: {
          ...process.env,
          VITE_FIRESTORE_EMULATOR_HOST: stack.firestoreHost,
          VITE_FIREBASE_PROJECT_ID: env.PROJECT_ID,
          VITE_AUTH_EMULATOR_HOST: stack.authHost ?? '',
          VITE_ADMIN_URL: functionUrl(stack.ports, 'admin'),
          VITE_TICK_INTERVAL: env.TICK_INTERVAL,
          VITE_REPLAY_SPEED: String(replayClock ? env.REPLAY_SPEED : 1),
          VITE_REPLAY_END: replayEnd === undefined ? '' : new Date(replayEnd).toISOString(),
        },
        onLine: (line) => {
          if (/error/i.test(line)) console.log(`[dashboard] ${line}`);
        },
      },
    );
    children.push(vite);
    await waitForPort(stack.ports.host, stack.ports.hosting, 30_000, () => vite.child.exitCode === null);
    console.log(`\n  dashboard: ${dashboardOrigin}/`);
    for (const u of dashboardUsers)
      console.log(`    sign in as ${u.email} / ${u.password}  (${u.admin ? 'admin: controls' : 'read-only'})`);
    console.log('');
  }

  const start = Date.parse(env.REPLAY_START);
  const marketNow = () => (replayClock ? Math.floor(start + (Date.now() - anchor) * env.REPLAY_SPEED) : Date.now());
  const trading = args.exchange === 'sim' ? `LIVE trading on the exchange simulator ${simUrl}` : `${env.TRADING_MODE} trading`;
  console.log(
    `source ${env.MARKET_SOURCE}${replayClock ? ` from ${env.REPLAY_START} at ${env.REPLAY_SPEED}×` : ''}, symbols ${env.SYMBOLS.join(', ')}, timeframe ${env.TIMEFRAME}, ${trading}; Ctrl-C stops everything`,
  );
  scheduler = startScheduler({
    jobs: schedulerJobs(env.TICK_INTERVAL),
    url: (t) => functionUrl(stack!.ports, t),
    marketNow,
    speed: replayClock ? env.REPLAY_SPEED : 1,
    fireAtStart: true,
    onResult: (job, result) => {
      const line = formatTickLine(job.target, result);
      if (line) console.log(line);
    },
    tradingPaused: schedulerPausedFlag(stack.firestoreHost, env.PROJECT_ID),
    onSkip: (job) =>
      console.log(`${job.target}: trading jobs paused (status/system.schedulerPaused), skipping until \`npm run eagle -- resume\``),
    ...(replayEnd === undefined
      ? {}
      : {
          untilMarketMs: replayEnd,
          onEnd: (until) =>
            console.log(
              `replay data ended at ${new Date(until).toISOString()} (the bundled candles end there): no more ticks. The dashboard stays up; Ctrl-C stops everything, \`npm start -- --start ISO-TIME\` replays from another time.`,
            ),
        }),
  });
} catch (err) {
  console.error(err instanceof EmulatorSetupError || err instanceof ConfigError ? err.message : err);
  await shutdown(1);
}
