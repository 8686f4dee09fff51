/**
 * Shared test plumbing for the integration suite: clients pointed at the emulators the global setup
 * started, in-process function servers on the ports the push subscriptions target, and
 * waiting helpers that poll with a deadline (never fixed sleeps).
 */
import { inject } from 'vitest';
import type { Server } from 'node:http';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { clearFirestore, pushUrlFor } from '../../emulators/stack.ts';
import { wirePubSub } from '../../emulators/pubsubWiring.ts';
import { localPorts, functionPort } from '../../infra/ports.ts';
import { parseEnv } from '../../functions/src/config/load.ts';
import { createRuntime, type Runtime } from '../../functions/src/wiring/trading.ts';
import type { TickDeps } from '../../functions/src/services/runTick.ts';
import type { ExecuteDeps } from '../../functions/src/services/executeSignal.ts';
import type { Clock } from '../../functions/src/ports/index.ts';
import { TEST_ENV_1M, testConfigDoc } from '../../functions/src/wiring/memory.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';

export function emulatorEnv() {
  const e = inject('emulators');
  process.env.FIRESTORE_EMULATOR_HOST = e.firestoreHost;
  process.env.PUBSUB_EMULATOR_HOST = e.pubsubHost;
  process.env.METADATA_SERVER_DETECTION = 'none';
  return e;
}

/**
 * Clear the emulator's Firestore; then, unless `empty`, write config/bot with the pinned
 * mechanics risk (testConfigDoc) that the 1m tests are written against. `empty` leaves nothing:
 * the parity test runs the product's defaults, the drill backs up and restores a whole database.
 */
export async function resetFirestore(opts: { empty?: boolean } = {}): Promise<void> {
  const e = emulatorEnv();
  await clearFirestore(e.firestoreHost, e.projectId);
  if (opts.empty) return;
  const db = new Firestore({ projectId: e.projectId, host: e.firestoreHost, ssl: false });
  await db.doc(PATHS.config).set(testConfigDoc());
  await db.terminate();
}

/**
 * A runtime wired exactly like production, with optional adapter overrides (e.g. a scripted source).
 * The tests are written against the bundled 1m candles (TEST_ENV_1M) unless they say otherwise.
 */
export function testRuntime(envVars: Record<string, string> = {}, overrides: Partial<TickDeps & ExecuteDeps> = {}): Runtime {
  const e = emulatorEnv();
  const env = parseEnv({
    PROJECT_ID: e.projectId,
    LOG_LEVEL: 'error',
    FIRESTORE_EMULATOR_HOST: e.firestoreHost,
    PUBSUB_EMULATOR_HOST: e.pubsubHost,
    ...TEST_ENV_1M,
    ...envVars,
  });
  return createRuntime(env, overrides);
}

let registered = 0;

/** Recreate production's subscriptions, dropping any backlog (see wirePubSub's `fresh`). */
export async function freshSubscriptions(): Promise<void> {
  const e = emulatorEnv();
  await wirePubSub({
    projectId: e.projectId,
    apiEndpoint: e.pubsubHost,
    pushUrl: pushUrlFor(localPorts(e.portOffset), e.projectId),
    fresh: true,
  });
}

/**
 * Serve a function in-process with functions-framework on the port its push subscription targets,
 * so Pub/Sub delivers to it exactly as production's trigger would.
 */
async function listen(name: string, target: 'executeOrder' | 'tick'): Promise<{ url: string; close(): Promise<void> }> {
  const e = emulatorEnv();
  const server: Server = getTestServer(name);
  const port = functionPort(localPorts(e.portOffset), target);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Serve a CloudEvent function in-process with functions-framework on the port its push subscription
 * targets, so Pub/Sub delivers to it exactly as production's trigger would.
 *
 * `quiesce()` is for between tests: the emulator redelivers at once and keeps redelivering, so a
 * redelivery of the previous test's message could otherwise land after Firestore was cleared and
 * execute again. It drops the backlog and waits for handlers still running.
 */
export async function serveCloudEvent(target: 'executeOrder', fn: ff.CloudEventFunction) {
  const name = `${target}_${++registered}`;
  let inFlight = 0;
  ff.cloudEvent(name, async (ce: Parameters<ff.CloudEventFunction>[0]) => {
    inFlight++;
    try {
      await fn(ce);
    } finally {
      inFlight--;
    }
  });
  // Earlier test files may have published signals while no function listened; start from an empty backlog.
  await freshSubscriptions();
  const served = await listen(name, target);
  return {
    ...served,
    async quiesce(): Promise<void> {
      await freshSubscriptions();
      await eventually(async () => (inFlight === 0 ? true : undefined), 30_000, 'in-flight deliveries to finish');
    },
  };
}

export function serveHttp(target: 'tick', fn: ff.HttpFunction) {
  const name = `${target}_${++registered}`;
  ff.http(name, fn);
  return listen(name, target);
}

export function pubsubClient(): PubSub {
  const e = emulatorEnv();
  return new PubSub({ projectId: e.projectId, apiEndpoint: e.pubsubHost, emulatorMode: true });
}

/**
 * Poll until `check` returns a non-undefined value, or fail after `timeoutMs` with the last state.
 * `what` may be a function, read at the deadline (a process's output as it was then).
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what: string | (() => string) = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Market time that a test moves: pass it as the runtime's `clock`. executeOrder fills an entry only
 * while its candle is current at this clock, so tests that drive the tick with `asOf` must move it too.
 */
export function steppedClock(t = 0): Clock & { t: number } {
  const clock = { t, now: () => clock.t };
  return clock;
}

/**
 * The tick handler, moving `clock` to each request's `asOf` first: the tick and executeOrder then share
 * one market time, as they do under `npm start` (one replay clock, the local scheduler ticking on it).
 */
export function tickMovesClock(clock: { t: number }, handler: ff.HttpFunction): ff.HttpFunction {
  return (req, res) => {
    const asOf: unknown = (req.body as { asOf?: unknown } | undefined)?.asOf;
    const t =
      typeof asOf === 'number' ? asOf : typeof asOf === 'string' ? (/^\d+$/.test(asOf) ? Number(asOf) : Date.parse(asOf)) : Number.NaN;
    if (Number.isFinite(t)) clock.t = t;
    return handler(req, res);
  };
}
