/**
 * A tick asked for an explicit market time (`asOf`, replay only) may not go back before the market
 * time already ticked: status/system.marketTime, the dashboard's clock and the equity series only
 * move forward. The same asOf again is allowed (a retried tick). Both doors that take an asOf, the
 * tick function and the admin `tick` action, ask this before running the tick.
 */
import type { StateStore } from '../ports/state.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** Why this asOf is refused (409, field asOf), or null when it may run. */
export async function pastAsOf(store: Pick<StateStore, 'getStatus'>, asOf: number): Promise<string | null> {
  const ticked = (await store.getStatus())?.marketTime ?? null;
  if (ticked === null || asOf >= ticked) return null;
  return `asOf ${iso(asOf)} is before the market time already ticked (${iso(ticked)}): status/system.marketTime never moves backwards`;
}
