/**
 * `bench tick firestore ops`: the tick's Firestore reads and writes, counted on the wire against a
 * real emulator this script starts (scripts/lib/firestoreOps.ts), on the bundled replay, for 1..4
 * symbols (the bundled 1m data has four). Steady state = warm instance, one new candle per symbol,
 * nothing to trade.
 */
import { startEmulatorStack } from '../emulators/stack.ts';
import { clearFirestore } from '../emulators/stack.ts';
import { parseEnv } from '../functions/src/config/load.ts';
import { createRuntime } from '../functions/src/wiring/trading.ts';
import { ReplayMarketData } from '../functions/src/adapters/replay/ReplayMarketData.ts';
import { CandleWindowCache } from '../functions/src/services/candleWindow.ts';
import { runTick } from '../functions/src/services/runTick.ts';
import { countFirestoreOps } from './lib/firestoreOps.ts';
import { PATHS } from '../functions/src/shared/store/index.ts';

const PROJECT = 'demo-eagle-eye-bench';
const ALL = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'];
const T = Date.parse('2023-04-10T12:00:30Z');
const TICKS = 10;

const stack = await startEmulatorStack({ projectId: PROJECT, portOffset: Number(process.env.EAGLE_BENCH_PORT_OFFSET ?? 4000), wire: true });
Object.assign(process.env, stack.env);
try {
  for (let n = 1; n <= ALL.length; n++) {
    await clearFirestore(stack.firestoreHost, PROJECT);
    // 1m candles: one new candle per symbol every tick (the 4h default writes one per 240 ticks).
    const env = parseEnv({ ...stack.env, SYMBOLS: ALL.slice(0, n).join(','), TIMEFRAME: '1m', LOG_LEVEL: 'error' });
    const runtime = createRuntime(env, { source: new ReplayMarketData(), cache: new CandleWindowCache() });
    await runtime.db.doc(PATHS.status).set({ mode: 'PAUSED', modeReason: 'bench: steady state, nothing to trade' });
    const ops = countFirestoreOps(runtime.db);
    const deps = await runtime.tickDeps();
    ops.reset();
    await runTick(deps, { tickId: 'cold', now: T });
    const cold = ops.counts();
    let reads = 0;
    let writes = 0;
    for (let i = 1; i <= TICKS; i++) {
      ops.reset();
      await runTick(deps, { tickId: `warm-${i}`, now: T + i * 60_000 });
      reads += ops.counts().reads;
      writes += ops.counts().writes;
    }
    const r = reads / TICKS;
    const w = writes / TICKS;
    const within = r <= n && w <= 2 * n;
    console.log(
      `bench tick firestore ops: ${r} reads, ${w} writes per tick (${n} symbols)${within ? '' : ' (above ≤ 1 read, ≤ 2 writes per symbol: the fixed 2 reads + 2 writes need ≥ 2 symbols)'}`,
    );
    console.log(`bench tick firestore ops cold: ${cold.reads} reads, ${cold.writes} writes (${n} symbols)`);
    if (n === ALL.length)
      console.log(`ratio tick ops per symbol (${n} symbols): ${(r / n).toFixed(2)} reads, ${(w / n).toFixed(2)} writes (budget ≤ 1, ≤ 2)`);
    await runtime.db.terminate();
  }
} finally {
  await stack.stop();
}
