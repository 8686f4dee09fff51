/**
 * Exchange outages in simulated time: for each fault kind, 10 minutes of failures in a 30-minute
 * run of 1-minute ticks (one symbol, recorded Binance answers through ccxt's error mapping, the
 * adapter's retries and circuit breaker, runTick on the in-memory fakes). Prints, per kind:
 * klines requests during the outage (and without the circuit breaker), the longest tick (simulated ms), stale alerts, entries
 * published during the outage, candles backfilled by the first tick after it.
 *
 *   npm run bench:outage
 */
import { FAULTS, type FaultKind } from '../functions/src/adapters/ccxt/fixtures/faults.ts';
import { OUTAGE_T0, outageRun } from '../functions/src/wiring/outageRun.ts';

const MIN = 60_000;
const outage = { fromMs: OUTAGE_T0 + 5 * MIN, untilMs: OUTAGE_T0 + 15 * MIN };
console.log(
  'kind         requests-in-outage  without-breaker  ticks-in-outage  longest-tick-ms  stale-alerts  entries-while-stale  backfilled-after',
);
for (const kind of Object.keys(FAULTS) as FaultKind[]) {
  const { reports, staleAlerts, bus } = await outageRun(kind, outage, 30);
  const during = reports.filter((r) => r.at >= outage.fromMs && r.at < outage.untilMs);
  const staleTimes = reports.filter((r) => r.symbols[0]!.stale).map((r) => r.at);
  const entriesWhileStale = bus.published.filter(
    (s) => s.side === 'buy' && staleTimes.some((t) => Math.abs(s.createdAt - t) < 1_000),
  ).length;
  const unguarded = (await outageRun(kind, outage, 30, { breakerThreshold: Number.MAX_SAFE_INTEGER })).reports.filter(
    (r) => r.at >= outage.fromMs && r.at < outage.untilMs,
  );
  const recovered = reports.find((r) => r.at >= outage.untilMs && !r.symbols[0]!.error);
  const cols = [
    kind.padEnd(12),
    String(during.reduce((n, r) => n + r.requests, 0)).padStart(18),
    String(unguarded.reduce((n, r) => n + r.requests, 0)).padStart(16),
    String(during.length).padStart(16),
    String(Math.max(...reports.map((r) => r.elapsedMs))).padStart(16),
    String(staleAlerts.length).padStart(13),
    String(entriesWhileStale).padStart(20),
    String(recovered?.symbols[0]!.ingested ?? 'never').padStart(17),
  ];
  console.log(cols.join(' '));
}
