/**
 * Header: mode badge, last tick age, latency, health, version, and the stale-dashboard banner.
 * The banner is driven by the 1 s clock so that silence (no new tick) becomes visible even when
 * no snapshot ever arrives again.
 */
import { byId } from '../dom.ts';
import { DASH, fmtAge, fmtDuration, fmtNum, fmtTime, isoTime } from '../format.ts';
import { config } from '../firestore.ts';
import type { SystemStatus } from '../views.ts';

/** No tick for 3 scheduler intervals (in wall time: a replay ticks `replaySpeed` times faster) means the bot has gone quiet. */
export const STALE_AFTER_MS = Math.max(3 * (config.tickIntervalMs / config.replaySpeed), 3000);
/** How long to wait for the very first status snapshot before calling that silence too. */
const FIRST_SNAPSHOT_GRACE_MS = 15 * 1000;

const startedAt = Date.now();
/**
 * undefined: no snapshot yet; 'missing': the server says the document does not exist;
 * 'offline': not in the local cache and the server cannot be reached; { corrupt }: the store's codec refused it.
 */
let status: SystemStatus | 'missing' | 'offline' | { corrupt: string } | undefined;

/** status/system exists but its codec refused it: the banner says why (path and field). */
export function renderCorruptStatus(message: string): void {
  renderStatus(null);
  status = { corrupt: message };
  tickClock(Date.now());
}

export function renderStatus(s: SystemStatus | null, fromCache = false): void {
  status = s ?? (fromCache ? 'offline' : 'missing');
  const mode = byId('mode');
  const modeText = s?.mode ?? s?.rawMode ?? 'UNKNOWN';
  mode.textContent = modeText;
  mode.className = `badge mode mode-${(s?.mode ?? 'unknown').toLowerCase()}`;
  mode.title = s?.mode ? `system mode: ${s.mode}` : 'mode missing or not one of NORMAL, OBSERVATION, REDUCING, PAUSED, KILLED';
  const paused =
    s?.entriesPausedUntil && s.entriesPausedUntil > Date.now() ? `entries paused until ${fmtTime(s.entriesPausedUntil)} UTC` : '';
  const reason = byId('mode-reason');
  reason.textContent = [s?.modeReason, paused].filter(Boolean).join(' · ');
  reason.title = reason.textContent;

  const tick = byId('tick-age');
  tick.dataset.ageOf = s?.lastTickAt ? String(s.lastTickAt) : '';
  tick.title = s?.lastTickAt ? `last tick ${isoTime(s.lastTickAt)}` : 'no lastTickAt';

  byId('tick-latency').textContent = s?.lastTickLatencyMs != null ? `${fmtNum(s.lastTickLatencyMs, 0)} ms` : DASH;

  const health = byId('health');
  const score = s?.healthScore ?? null;
  health.textContent = score === null ? DASH : fmtNum(score, 0);
  health.className = `health ${score === null ? '' : score >= 80 ? 'pos' : score >= 50 ? 'warn' : 'neg'}`;
  const bar = byId('health-bar');
  bar.style.width = `${score ?? 0}%`;
  bar.className = `bar-fill ${score === null ? '' : score >= 80 ? 'bg-pos' : score >= 50 ? 'bg-warn' : 'bg-neg'}`;

  byId('version').textContent = s?.version ?? DASH;
  tickClock(Date.now());
}

/** Why the dashboard should be considered stale right now, or null when it is fresh. */
export function staleReason(now: number): string | null {
  if (status === undefined) {
    return now - startedAt > FIRST_SNAPSHOT_GRACE_MS
      ? `No status received from Firestore after ${fmtDuration(now - startedAt)}: check the connection indicator.`
      : null;
  }
  if (status === 'missing') return 'status/system does not exist: the bot has never reported a tick.';
  if (status === 'offline') return "Offline and nothing cached: the bot's status is unknown.";
  if ('corrupt' in status) return `${status.corrupt}: the bot's status cannot be shown.`;
  if (status.lastTickAt === null) return 'status/system has no valid lastTickAt: the bot is not reporting ticks.';
  const age = now - status.lastTickAt;
  if (age > STALE_AFTER_MS) {
    return `No tick for 3 intervals: the last tick was at ${fmtTime(status.lastTickAt, now)} UTC (${fmtAge(status.lastTickAt, now)}). The bot may be down, or this dashboard is not receiving updates.`;
  }
  return null;
}

/**
 * A local replay (npm start sets VITE_REPLAY_END) whose market clock has run past the end of its
 * bundled candles: the scheduler stopped ticking there, so silence is expected, not a fault.
 */
export function replayEndedAt(now: number): number | null {
  const end = config.replayEndMs;
  if (end === null || typeof status !== 'object' || 'corrupt' in status || status.marketTime === null || status.lastTickAt === null)
    return null;
  const market = status.marketTime + (now - status.lastTickAt) * config.replaySpeed;
  return market >= end ? end : null;
}

/** Called every second: refresh the banner, the page title and the body flag. */
export function tickClock(now: number): void {
  const ended = replayEndedAt(now);
  const reason = ended === null ? staleReason(now) : null;
  const banner = byId('stale-banner');
  banner.hidden = reason === null && ended === null;
  banner.classList.toggle('replay-ended', ended !== null);
  banner.textContent =
    ended !== null
      ? `Replay data ended at ${fmtTime(ended, now)} UTC: the bundled candles stop there, so the local scheduler stopped ticking. Restart with \`npm start -- --start ISO-TIME\` to replay another span.`
      : reason
        ? `⚠ ${reason}`
        : '';
  document.body.dataset.replayEnded = ended === null ? 'false' : 'true';
  document.body.classList.toggle('is-stale', reason !== null);
  byId('tick-age').classList.toggle('neg', reason !== null);
  document.body.dataset.stale = reason === null ? 'false' : 'true';
  const mode = typeof status === 'object' && !('corrupt' in status) ? (status.mode ?? 'UNKNOWN') : status === undefined ? '…' : 'UNKNOWN';
  document.title = `${reason ? '⚠ STALE · ' : ended !== null ? 'REPLAY ENDED · ' : ''}${mode} · Eagle Eye`;
}
