import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../infra/definitions.ts';
import { functionPort, localPorts } from '../../infra/ports.ts';
import { acceptsConnections } from '../../scripts/local/processes.ts';
import { isLoopback, listenAddresses } from './listening.ts';
import { eventually } from './harness.ts';
import { TEST_PORT_OFFSET } from './global-setup.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Beside the suite's own emulators (+1000) and a developer's `npm start` (+0). */
const OFFSET = 2 * TEST_PORT_OFFSET;
const ports = localPorts(OFFSET);
const allPorts = [ports.firestore, ports.pubsub, ports.hosting, ...FUNCTIONS.map((f) => functionPort(ports, f.target))];

const accepts = (port: number) => acceptsConnections(ports.host, port);

const signals = {
  /** what a supervisor or `timeout` does */
  'SIGTERM to npm alone': (npm: ChildProcess) => npm.kill('SIGTERM'),
  /** what a terminal does: every process in the foreground group gets SIGINT, npm forwards another */
  'Ctrl-C (SIGINT to the whole process group)': (npm: ChildProcess) => process.kill(-npm.pid!, 'SIGINT'),
};

/**
 * The README's `npm start`, as a user runs it: the whole stack comes up on the bundled replay,
 * ticks, answers a hand invocation, serves the dashboard, and stopping it stops every process it
 * started: nothing listens on any of its ports afterwards.
 */
describe('npm start', () => {
  let npm: ChildProcess | undefined;
  afterEach(async () => {
    // Only if a test failed half-way: never leave the stack running.
    if (npm && npm.exitCode === null && npm.signalCode === null) {
      const exited = new Promise((r) => npm!.once('exit', r));
      npm.kill('SIGTERM');
      await exited;
    }
  }, 60_000);

  it('refuses a bad --port-offset with exit 2, naming the flag, before starting anything', async () => {
    const run = spawn('npm', ['start', '--', '--port-offset', 'banana'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    run.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    run.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((r) => run.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(output).toContain('--port-offset: a whole number from 0 to 50000 (got "banana")');
    expect(output).not.toContain('starting emulators');
  });

  it('stopped while its emulators are still booting, it stops them too', async () => {
    const env = { ...process.env };
    delete env.FIRESTORE_EMULATOR_HOST;
    delete env.PUBSUB_EMULATOR_HOST;
    npm = spawn('npm', ['start', '--', '--port-offset', String(OFFSET)], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await eventually(
      async () => (output.includes('starting emulators') ? true : undefined),
      120_000,
      () => `"starting emulators"; output so far:\n${output}`,
    );
    const exited = new Promise<number | null>((r) => npm!.once('exit', (code) => r(code)));
    npm.kill('SIGTERM');
    await exited;
    const emulatorsOf = () =>
      spawnSync('pgrep', ['-f', `port=(${ports.firestore}|${ports.pubsub})\\b`], { encoding: 'utf8' }).stdout.trim();
    await eventually(async () => (emulatorsOf() === '' ? true : undefined), 30_000, 'no emulator process of this stack left');
    for (const port of allPorts) expect(await accepts(port), `port ${port}`).toBe(false);
  }, 180_000);

  it.each(Object.keys(signals) as (keyof typeof signals)[])(
    'runs the bot on the bundled replay; %s stops every process it started',
    async (how) => {
      for (const port of allPorts) expect(await accepts(port), `port ${port} already in use`).toBe(false);
      // Not the suite's emulators: npm start must start its own.
      const env = { ...process.env };
      delete env.FIRESTORE_EMULATOR_HOST;
      delete env.PUBSUB_EMULATOR_HOST;
      // detached: its own process group, like a shell job, so Ctrl-C can be sent to the group.
      npm = spawn('npm', ['start', '--', '--speed', '600', '--port-offset', String(OFFSET)], {
        cwd: ROOT,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));

      const tickLines = () => output.split('\n').filter((l) => l.startsWith('tick 2023-'));
      await eventually(
        async () => (tickLines().length >= 3 ? true : undefined),
        150_000,
        () => `three tick lines; output so far:\n${output}`,
      );
      expect(output).toContain(`dashboard: http://${ports.host}:${ports.hosting}/`);
      expect(tickLines()[0]).toMatch(/BTC\/USDT \d+(\.\d+)? (bull|bear|range|hi-vol|unknown)/);
      // The defaults enter on the first candles; at 600× an order in flight or a slow tick is minutes of market
      // time, and the watchdog (judging a replay in wall time) must not call the new position unprotected.
      const ticksAfterFill = () =>
        output
          .slice(output.indexOf('order filled'))
          .split('\n')
          .filter((l) => l.startsWith('tick 2023-')).length;
      await eventually(
        async () => (output.includes('order filled') && ticksAfterFill() >= 3 ? true : undefined),
        60_000,
        () => `a fill and three ticks after it; output so far:\n${output}`,
      );
      expect(output).not.toContain('UNPROTECTED');

      // The function is invocable by hand on its printed port and answers with a tick report.
      const res = await fetch(`http://${ports.host}:${functionPort(ports, 'tick')}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(200);
      const report = (await res.json()) as { symbols: { symbol: string }[] };
      expect(report.symbols.map((s) => s.symbol)).toContain('BTC/USDT');
      const page = await fetch(`http://${ports.host}:${ports.hosting}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-testid="mode-badge"');
      // Reachable from this machine only: functions (functions-framework has no --host), emulators, dashboard.
      for (const port of allPorts)
        expect(
          listenAddresses(port).filter((a) => !isLoopback(a)),
          `port ${port}`,
        ).toEqual([]);

      const exited = new Promise<number | null>((r) => npm!.once('exit', (code) => r(code)));
      signals[how](npm);
      await exited;
      await eventually(
        async () => {
          const open = await Promise.all(allPorts.map(async (p) => ((await accepts(p)) ? p : undefined)));
          return open.every((p) => p === undefined) ? true : undefined;
        },
        30_000,
        'every port of the stack to close',
      );
      expect(output).toContain('stopping…');
    },
    240_000,
  );
});
