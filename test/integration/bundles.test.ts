/**
 * What a deployed instance loads: the build's output (functions/build.mjs → functions/lib/), not the
 * TypeScript the other tests import. The bundles leave out modules the packages load but no function
 * calls (build.mjs, LEFT_OUT), and each carries a V8 code cache; these tests run them for real: the
 * tick bundle under functions-framework's own main against the emulators, publishing through the
 * Pub/Sub bundle it requires, and every bundle loading in a fresh process with the cache the build made.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@google-cloud/pubsub';
import { Firestore } from '@google-cloud/firestore';
import { PATHS } from '../../functions/src/shared/store/index.ts';
import { FUNCTIONS, TOPICS } from '../../infra/definitions.ts';
import { acceptsConnections } from '../../scripts/local/processes.ts';
import { stopProcessGroup } from '../../emulators/processGroup.ts';
import { emulatorEnv, eventually, pubsubClient, resetFirestore } from './harness.ts';
import { freePort } from './listening.ts';

const ROOT = join(import.meta.dirname, '../..');
const FUNCTIONS_DIR = join(ROOT, 'functions');
const REFUSED = 'code cache refused';

/** A bare environment, as an instance has: no tsx, no test runner's variables. */
function instanceEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e = emulatorEnv();
  return {
    PATH: process.env.PATH,
    PROJECT_ID: e.projectId,
    FIRESTORE_EMULATOR_HOST: e.firestoreHost,
    PUBSUB_EMULATOR_HOST: e.pubsubHost,
    MARKET_SOURCE: 'replay',
    LOG_LEVEL: 'error',
    METADATA_SERVER_DETECTION: 'none',
    ...extra,
  };
}

describe('the built functions (functions/lib)', () => {
  let tick: { child: ChildProcess; port: number; output: string[] } | undefined;

  beforeAll(async () => {
    execFileSync(process.execPath, ['build.mjs'], { cwd: FUNCTIONS_DIR, stdio: ['ignore', 'ignore', 'inherit'] });
    await resetFirestore();
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(
      process.execPath,
      [
        '--import',
        join(ROOT, 'scripts/local/bindLoopback.mjs'),
        join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js'),
        '--target=tick',
        '--signature-type=http',
        `--port=${port}`,
        '--source=lib/index.js',
      ],
      { cwd: FUNCTIONS_DIR, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: instanceEnv({ EAGLE_FUNCTION: 'tick' }) },
    );
    child.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
    tick = { child, port, output };
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`tick exited: ${output.join('')}`);
        return (await acceptsConnections('127.0.0.1', port)) || undefined;
      },
      60_000,
      'tick to listen',
    );
  }, 180_000);
  afterAll(async () => {
    if (tick) await stopProcessGroup(tick.child);
  });

  it('the tick bundle, under functions-framework, ticks against the emulators and publishes its first signal through lib/pubsub.cjs, with the code caches it was built with', async () => {
    // buy_and_hold enters on the first tick: the signal is published through the lazily required Pub/Sub bundle
    const e = emulatorEnv();
    const db = new Firestore({ projectId: e.projectId });
    await db.doc(PATHS.config).set({ strategy: { name: 'buy_and_hold', params: {} } }, { merge: true });
    await db.terminate();
    const topic = pubsubClient().topic(TOPICS.signals);
    if (!(await topic.exists())[0]) await topic.create();
    const [sub] = await topic.createSubscription(`bundles-signals-${Date.now()}`);
    const received: Record<string, string>[] = [];
    sub.on('message', (m: Message) => {
      received.push(m.attributes);
      m.ack();
    });

    const res = await fetch(`http://127.0.0.1:${tick!.port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const report = (await res.json()) as { symbols: { symbol: string }[]; published: string[] };
    expect(res.status, JSON.stringify(report)).toBe(200);
    expect(report.symbols.map((s) => s.symbol)).toContain('BTC/USDT');
    expect(report.published.length, JSON.stringify(report)).toBeGreaterThan(0);
    await eventually(async () => (received.length >= report.published.length ? true : undefined), 20_000, 'the published signals');
    await sub.close();
    await sub.delete();
    expect(received.map((a) => a.signalId).sort()).toEqual([...report.published].sort());
    expect(tick!.output.join('')).not.toContain(REFUSED);
  });

  it('every function bundle loads in a fresh process with its cache accepted', () => {
    for (const fn of [...FUNCTIONS.map((f) => f.target), 'all']) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('./lib/index.js'); process.exit(0);"], {
        cwd: FUNCTIONS_DIR,
        encoding: 'utf8',
        env: instanceEnv(fn === 'all' ? {} : { EAGLE_FUNCTION: fn }),
      });
      expect({ fn, status: r.status, stderr: r.stderr }).toEqual({ fn, status: 0, stderr: '' });
    }
  });

  it('leaves out what no function calls, with stand-ins that name themselves', () => {
    const tickBundle = readFileSync(join(FUNCTIONS_DIR, 'lib/fn/tick.cjs'), 'utf8');
    const pubsubBundle = readFileSync(join(FUNCTIONS_DIR, 'lib/pubsub.cjs'), 'utf8');
    for (const m of ['iam_service', 'locations', 'operations'])
      expect(tickBundle).toContain(`google-gax/build/protos/${m}.js is left out of the functions bundles`);
    expect(tickBundle).toContain('@google-cloud/firestore/build/src/v1/firestore_admin_client.js is left out of the functions bundles');
    expect(pubsubBundle).toContain('@google-cloud/pubsub/build/protos/protos.js is left out of the functions bundles');
  });
});
