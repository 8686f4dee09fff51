import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chaosExecutor, quietInjectedCrashes, seededRandom } from '../../scripts/chaos/chaosScenario.ts';
import { chaosLiveLine, runChaosLive, startLiveChaos, type LiveChaosSetup } from '../../scripts/chaos/chaosLive.ts';
import { resetFirestore, serveCloudEvent, testRuntime } from './harness.ts';

/**
 * `npm run chaos -- --live` at 100 orders on the suite's emulators: the paper chaos run's duplicates,
 * reordering, late deliveries, mode races and executeOrder crashes, with executeOrder trading live
 * through ccxt over HTTP against the exchange simulator and its faults. No order is placed twice at the
 * exchange, none is lost, and the exchange reconciles with the ledger to 1e-8.
 */
describe('chaos run, live, 100 orders against the exchange simulator', () => {
  let live: LiveChaosSetup;
  let runtime: ReturnType<typeof testRuntime>;
  let executor: ReturnType<typeof chaosExecutor>;
  let server: Awaited<ReturnType<typeof serveCloudEvent>>;
  let loud: () => void;

  beforeAll(async () => {
    loud = quietInjectedCrashes();
    live = await startLiveChaos(5);
    runtime = testRuntime(live.env, { broker: () => live.broker });
    executor = chaosExecutor(runtime, seededRandom(9), 0.05, live.market);
    await resetFirestore();
    server = await serveCloudEvent('executeOrder', executor.fn);
  });
  afterAll(async () => {
    await server.quiesce();
    await server.close();
    await runtime.db.terminate();
    await live.sim.stop();
    loud();
  });

  it('places each order once, loses none, and the exchange reconciles with the ledger', async () => {
    const report = await runChaosLive(runtime, executor, live.sim, { signals: 100, seed: 13, settleTimeoutMs: 500_000 });
    expect(report.differences).toEqual([]);
    // How many orders reach the exchange depends on timing (mode races, in-flight refusals, key checks
    // failing on injected faults): 10 to 23 of 100 seen. What must hold is that orders reached it and
    // that no signal was lost or placed twice (below).
    expect(report.placed).toBeGreaterThan(0);
    // the exchange misbehaved and executeOrder crashed (which of the faults fire depends on how many requests the
    // run made: CI has seen 3 of the 10 kinds, other runs 5 or more; some fault must have fired)
    expect(Object.values(report.faultHits).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(Object.values(report.chaos.crashes).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(report.chaos.deliveries).toBeGreaterThan(report.chaos.published);
    expect(chaosLiveLine(report)).toBe(`chaos-live: orders=100 placed=${report.placed} duplicates=0 lost=0 reconciled=clean`);
  }, 600_000);
});
