import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAOS_ENV, chaosExecutor, chaosLine, quietInjectedCrashes, runChaos, seededRandom } from '../../scripts/chaos/chaosScenario.ts';
import { resetFirestore, serveCloudEvent, testRuntime } from './harness.ts';

/**
 * npm run chaos at N = 500 on the suite's emulators, through the real push path: ≥ 30 % duplicates,
 * random order and delays, ~5 % of executeOrder invocations crashing (before read, after the fill,
 * before commit, after commit) until redelivery settles; market time moving wave by wave with copies
 * and first deliveries landing minutes to days late, and the mode switched while orders fill. Each
 * signal fills at most once and only at a current price, none is lost (a late entry is dead-lettered
 * as stale, with the reason), the ledger audits clean.
 */
describe('chaos run (500 signals) over the real Pub/Sub push path', () => {
  const runtime = testRuntime(CHAOS_ENV);
  const executor = chaosExecutor(runtime, seededRandom(7), 0.05);
  let server: Awaited<ReturnType<typeof serveCloudEvent>>;
  let loud: () => void;

  beforeAll(async () => {
    loud = quietInjectedCrashes();
    await resetFirestore();
    server = await serveCloudEvent('executeOrder', executor.fn);
  });
  afterAll(async () => {
    await server.quiesce();
    await server.close();
    await runtime.db.terminate();
    loud();
  });

  it('fills each signal at most once, loses none, and audits clean', async () => {
    // 84 s alone on 2 cores; the deadline only guards against a hang (a loaded machine needed over 90 s)
    const report = await runChaos(runtime, executor, { signals: 500, seed: 11, settleTimeoutMs: 300_000 });
    expect(report.published).toBeGreaterThanOrEqual(650);
    // the run really was chaotic: crashes at several points, and redeliveries beyond the messages published
    expect(Object.values(report.crashes).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(report.crashes.after_commit + report.crashes.before_commit).toBeGreaterThan(0);
    expect(report.deliveries).toBeGreaterThan(report.published);
    expect(report.fills).toBeGreaterThan(50);
    // time really moved: late copies and late first deliveries, late exits repriced, modes switched under the fills
    expect(report.lateDeliveries).toBeGreaterThan(25);
    expect(report.firstDeliveredLate).toBeGreaterThan(10);
    expect(report.repricedExits).toBeGreaterThan(0);
    expect(report.modeChanges).toBeGreaterThan(5);
    // every signal: one order (filled or refused by the gates) or one dead letter as a stale entry
    expect(report.staleDeadLetters).toBeGreaterThan(0);
    expect(report.fills + report.rejected + report.staleDeadLetters).toBe(500);
    expect(report.deadLetters).toBe(report.staleDeadLetters);
    expect(report.discrepancies).toEqual([]);
    expect(chaosLine(report)).toBe(`chaos: signals=500 fills=${report.fills} duplicates=0 lost=0 stale_fills=0 audit=clean`);
  }, 400_000);
});
