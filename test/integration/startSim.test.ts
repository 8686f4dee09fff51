/**
 * `npm start -- --exchange sim`, as a user runs it: the whole stack trades LIVE (TRADING_MODE=live,
 * MARKET_SOURCE=ccxt) through ccxt over HTTP against the exchange simulator. A buy_and_hold config with
 * a tight stop on 1m candles enters at once and gets stopped out within minutes of replayed market
 * time. Then, with the scheduler paused and nothing in flight: the ledger in Firestore agrees with
 * the simulator's balances to the last 1e-8 and the audit is clean.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Firestore } from '@google-cloud/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { exchangeSimPort, functionPort, localPorts } from '../../infra/ports.ts';
import { acceptsConnections } from '../../scripts/local/processes.ts';
import { SimAdmin } from '../../scripts/exchangeSim/client.ts';
import { toAmount } from '../../functions/src/domain/money.ts';
import { eventually } from './harness.ts';
import { TEST_PORT_OFFSET } from './global-setup.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Beside the suite's emulators (+offset), start.test.ts (+2×offset) and a developer's `npm start`. */
const OFFSET = 2 * TEST_PORT_OFFSET + 50;
const ports = localPorts(OFFSET);
/** its own project id: firebase-tools keeps one emulator hub per project on the machine (/tmp/hub-<project>.json) */
const PROJECT = 'demo-eagle-eye-sim';
const sim = new SimAdmin(`http://${ports.host}:${exchangeSimPort(OFFSET)}`);

describe('npm start -- --exchange sim', () => {
  let npm: ChildProcess | undefined;
  let db: Firestore | undefined;
  afterAll(async () => {
    await db?.terminate();
    if (npm && npm.exitCode === null && npm.signalCode === null) {
      const exited = new Promise((r) => npm!.once('exit', r));
      npm.kill('SIGTERM');
      await exited;
    }
  }, 60_000);

  it('trades live against the simulator: fills and a stop booked in Firestore, balances agree, audit clean', async () => {
    for (const port of [ports.firestore, exchangeSimPort(OFFSET), functionPort(ports, 'tick')])
      expect(await acceptsConnections(ports.host, port), `port ${port} in use`).toBe(false);
    // Not the suite's emulators: npm start must start its own, and this file's client must talk to them.
    delete process.env.FIRESTORE_EMULATOR_HOST;
    delete process.env.PUBSUB_EMULATOR_HOST;
    const env = { ...process.env, PROJECT_ID: PROJECT, SYMBOLS: 'BTC/USDT', TIMEFRAME: '1m', CONFIG_CACHE_MS: '0' };
    npm = spawn(
      'npm',
      [
        'start',
        '--',
        '--exchange',
        'sim',
        '--speed',
        '30',
        '--start',
        '2023-03-24T12:00:00Z',
        '--port-offset',
        String(OFFSET),
        '--no-dashboard',
      ],
      { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));

    // The config goes in as soon as the emulator answers, long before the functions are up (checked below).
    await eventually(
      async () => ((await acceptsConnections(ports.host, ports.firestore)) ? true : undefined),
      120_000,
      `the Firestore emulator; output:\n${output}`,
    );
    db = new Firestore({ projectId: PROJECT, host: `${ports.host}:${ports.firestore}`, ssl: false });
    const config = {
      strategy: { name: 'buy_and_hold', params: {} },
      risk: { stopAtrMult: 0.5, minStopCostMultiple: 0, trailingAtrMult: 0.5, trailingActivationAtrMult: 0.5 },
    };
    await eventually(async () => (await db!.doc(PATHS.config).set(config), true), 60_000, 'config/bot written');
    expect(output).not.toContain('function tick');

    const trades = async () => (await db!.collection(PATHS.trades).get()).docs.map((d) => d.data());
    const done = await eventually(
      async () => {
        const t = await trades();
        return t.some((x) => x.side === 'buy') &&
          t.some((x) => x.side === 'sell' && ['stop_loss', 'trailing_stop'].includes(x.reason as string))
          ? t
          : undefined;
      },
      200_000,
      `a live buy and a stop exit booked; output:\n${output}`,
    );
    expect(output).toContain('LIVE trading on the exchange simulator');
    expect(done.filter((t) => t.side === 'buy').every((t) => t.reason === 'benchmark_entry')).toBe(true);

    // Quiesce: no more ticks, nothing placing, then read both sides.
    await db.doc(PATHS.status).set({ schedulerPaused: true }, { merge: true });
    await eventually(async () => ((await db!.collection(PATHS.intents).get()).empty ? true : undefined), 60_000, 'no live order in flight');
    const state = await sim.state();
    const apiOrders = state.orders.filter((o) => o.source === 'api');
    const booked = await trades();
    expect(apiOrders.filter((o) => o.status === 'FILLED')).toHaveLength(booked.length); // each fill booked once
    expect(new Set(apiOrders.map((o) => o.clientOrderId)).size).toBe(apiOrders.length); // no order placed twice
    const wallet = (await db.doc(PATHS.wallet).get()).data()!;
    const position = (wallet.positions as Record<string, { qty: string }>)['BTC-USDT'];
    const dust = booked.reduce((s, t) => s + toAmount((t.dust as string | undefined) ?? '0'), 0n);
    expect(toAmount(state.balances.USDT!.free)).toBe(toAmount(wallet.cash as string));
    expect(toAmount(state.balances.BTC!.free)).toBe(toAmount(position?.qty ?? '0') + dust);

    const audit = await fetch(`http://${ports.host}:${functionPort(ports, 'audit')}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await audit.json()).toMatchObject({ clean: true, discrepancies: [] });
  }, 420_000);
});
