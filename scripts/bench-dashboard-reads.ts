/**
 * `bench dashboard reads/hour`: Firestore document reads of one open dashboard tab, signed in, with
 * production's rules, against a real emulator stack this script starts, while a busy book trades:
 * one market hour of 1m ticks on the bundled replay (4 symbols), a fill every 5 minutes. The tab
 * counts what the server sends it (web/src/firestore.ts countReads: first snapshot and each changed
 * document; metadata-only and cache snapshots are free), read back as window.__eagleReads.
 */
import { execFileSync } from 'node:child_process';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { PubSub } from '@google-cloud/pubsub';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { firestoreStores } from '../functions/src/wiring/stores.ts';
import { PubSubSignalBus } from '../functions/src/adapters/pubsub/PubSubSignalBus.ts';
import { parseEnv } from '../functions/src/config/load.ts';
import { toAmount } from '../functions/src/domain/money.ts';
import { createSignal } from '../functions/src/domain/signal.ts';
import { makeExecuteOrderHandler } from '../functions/src/handlers/executeOrder.ts';
import { makeTickHandler } from '../functions/src/handlers/tick.ts';
import { createRuntime } from '../functions/src/wiring/trading.ts';
import { testConfigDoc } from '../functions/src/wiring/memory.ts';
import { PATHS } from '../functions/src/shared/store/index.ts';
import { startEmulatorStack } from '../emulators/stack.ts';
import { TOPICS } from '../infra/definitions.ts';
import { functionPort } from '../infra/ports.ts';
import { seedDashboardUsers } from './local/dashboardUsers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROJECT = 'demo-eagle-eye-bench-dash';
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'];
const T0 = Date.parse('2023-04-10T12:00:30Z');
const MIN = 60_000;
const TICKS = 60;

const stack = await startEmulatorStack({
  projectId: PROJECT,
  portOffset: Number(process.env.EAGLE_BENCH_PORT_OFFSET ?? 4500),
  wire: true,
  rules: join(ROOT, 'firestore.rules'),
  auth: true,
});
Object.assign(process.env, stack.env);
const servers: Server[] = [];
const listen = async (target: string, port: number) => {
  const server = getTestServer(target);
  servers.push(server);
  await new Promise<void>((r, j) => server.once('error', j).listen(port, '127.0.0.1', () => r()));
};
let closeAll = async () => {};
try {
  const [user] = await seedDashboardUsers(PROJECT, stack.env);
  // 1m candles: every tick brings one per symbol, the busiest the dashboard gets (the 4h default, one per 240 ticks).
  // One market time for the tick and executeOrder, moved by each tick (an entry fills only while current).
  const market = { t: T0, now: (): number => market.t };
  const runtime = createRuntime(
    parseEnv({
      ...stack.env,
      SYMBOLS: SYMBOLS.join(','),
      TIMEFRAME: '1m',
      LOG_LEVEL: 'error',
      REPLAY_START: new Date(T0 - 30_000).toISOString(),
    }),
    { clock: market },
  );
  ff.http('tick', makeTickHandler(runtime.tickDeps));
  ff.cloudEvent('executeOrder', makeExecuteOrderHandler(runtime.executeDeps));
  const tickPort = functionPort(stack.ports, 'tick');
  await listen('tick', tickPort);
  await listen('executeOrder', functionPort(stack.ports, 'executeOrder'));
  const tick = async (asOf: number) => {
    market.t = asOf;
    const res = await fetch(`http://127.0.0.1:${tickPort}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ asOf: new Date(asOf).toISOString() }),
    });
    if (!res.ok) throw new Error(`tick failed: HTTP ${res.status} ${await res.text()}`);
  };
  const pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: stack.pubsubHost, emulatorMode: true });
  const bus = new PubSubSignalBus(pubsub, TOPICS.signals);
  const candles = firestoreStores(runtime.db).candles;
  /** The busy book: BTC bought and sold in turn, one fill per 5 minutes. */
  const trade = async (i: number, at: number) => {
    const t = Math.floor(at / MIN) * MIN - MIN;
    const [c] = await candles.read('BTC/USDT', '1m', t, t + MIN);
    if (!c) return;
    const side = (i / 5) % 2 === 1 ? 'buy' : 'sell';
    await bus.publish(
      createSignal(
        {
          strategyVersion: 'bench@1',
          symbol: 'BTC/USDT',
          timeframe: '1m',
          candleTime: t,
          side,
          reason: side === 'buy' ? 'regime_entry' : 'manual',
          refPrice: toAmount(c.c),
          atr: toAmount('30'),
          qty: toAmount('0.01'),
        },
        t + MIN,
      ),
    );
  };
  // Stops scaled to 1m, so the busy book's orders fill (the product's 4h stops would refuse them at 1m).
  await runtime.db.doc(PATHS.config).set(testConfigDoc());
  await tick(T0);

  Object.assign(process.env, {
    VITE_FIRESTORE_EMULATOR_HOST: stack.firestoreHost,
    VITE_FIREBASE_PROJECT_ID: PROJECT,
    VITE_AUTH_EMULATOR_HOST: stack.authHost ?? '',
    VITE_ADMIN_URL: '',
    VITE_TICK_INTERVAL: '1m',
    VITE_REPLAY_SPEED: '1',
  });
  const vite = await createServer({
    root: join(ROOT, 'web'),
    configFile: join(ROOT, 'web/vite.config.ts'),
    server: { port: stack.ports.hosting, strictPort: true, host: '127.0.0.1' },
    logLevel: 'error',
  });
  await vite.listen();
  const browser = await chromium.launch({
    executablePath: execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  closeAll = async () => {
    await browser.close();
    await vite.close();
    await pubsub.close();
    await runtime.db.terminate();
  };
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${stack.ports.hosting}/`);
  await page.fill('[data-testid="signin-email"]', user!.email);
  await page.fill('[data-testid="signin-password"]', user!.password);
  await page.click('[data-testid="signin-submit"]');
  await page.waitForFunction(`Number(document.querySelector('[data-testid="price-chart"]')?.getAttribute('data-candles')) > 0`, undefined, {
    timeout: 60_000,
  });
  const reads = async () => Number(await page.evaluate('window.__eagleReads ?? 0'));
  const settle = async () => {
    // Quiet for a second: every snapshot of the last write has arrived.
    let last = -1;
    for (let now = await reads(); now !== last; now = await reads()) {
      last = now;
      await page.waitForTimeout(1000);
    }
  };
  await settle();
  const initial = await reads();
  for (let i = 1; i <= TICKS; i++) {
    await tick(T0 + i * MIN);
    if (i % 5 === 0) await trade(i, T0 + i * MIN);
  }
  await settle();
  const hour = (await reads()) - initial;
  const trades = (await runtime.db.collection(PATHS.trades).count().get()).data().count;
  const orders = (await runtime.db.collection(PATHS.orders).get()).docs.map((d) => d.data() as { status?: string });
  console.log(
    `bench dashboard initial load reads: ${initial} (${SYMBOLS.length} markets, the selected market's candle bucket (its previous one too before 07:30 UTC on 1m), today's equity, lists)`,
  );
  console.log(
    `bench dashboard reads/hour: ${hour} (one tab, ${TICKS} ticks of 1m, ${SYMBOLS.length} symbols, ${orders.length} orders, ${trades} fills)`,
  );
  console.log(
    `ratio dashboard reads per tick: ${(hour / TICKS).toFixed(1)} (a day left open: ~${Math.round((hour * 24) / 1000)}k reads; free tier 50k/day)`,
  );
} finally {
  await closeAll().catch(() => {});
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await stack.stop();
}
