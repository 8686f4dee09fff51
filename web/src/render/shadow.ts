/** Header: the shadow backtest's newest verdict (shadow/latest), "live = backtest ✓ <day>" when the day was verified. */
import { byId } from '../dom.ts';
import type { ShadowLatest } from '../../../functions/src/shared/store/index.ts';

const dayText = (d: string): string => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;

export function renderShadow(latest: ShadowLatest | null): void {
  const el = byId('shadow');
  el.className = `value shadow shadow-${latest?.status ?? 'none'}`;
  if (!latest) {
    el.textContent = '—';
    el.title = 'no shadow backtest yet: the daily audit checks each day after it ends';
    return;
  }
  const day = dayText(latest.day);
  el.textContent =
    latest.status === 'verified'
      ? `live = backtest ✓ ${day}`
      : latest.status === 'explained'
        ? `live ≈ backtest ${day} (${latest.differences} explained)`
        : `live ≠ backtest ✗ ${day} (${latest.unexplained} unexplained)`;
  el.title =
    latest.status === 'verified'
      ? `the day's trades replayed through the backtester match the ledger exactly (checked ${new Date(latest.checkedAt).toISOString()})`
      : `${latest.differences} difference(s); the whole diff is in shadow/${latest.day} and the alert (npm run shadow -- --day ${day})`;
}
