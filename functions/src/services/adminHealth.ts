/**
 * The post-deploy checklist as one report: is it ticking, in which mode, are the feeds fresh, did
 * anything critical happen or get dead-lettered in the window, does the ledger replay exactly.
 */
import type { OpsRecord, OpsStore } from '../ports/ops.ts';
import type { AuditReport } from './auditLedger.ts';

export interface HealthCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface HealthReport {
  ok: boolean;
  since: string;
  mode: string;
  checks: HealthCheck[];
  alerts: OpsRecord[];
  deadletters: OpsRecord[];
}

/** A tick older than this (wall clock) means the scheduler or the function stopped. */
const MAX_TICK_AGE_MS = 5 * 60_000;
const MAX_TICK_LATENCY_MS = 20_000;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Stale symbols from status/system.feeds (the tick's feed health by symbol; status.markets repeats the flag). */
function staleSymbols(status: Record<string, unknown>): string[] {
  const feeds = status.feeds;
  if (!feeds || typeof feeds !== 'object') return [];
  return Object.entries(feeds as Record<string, unknown>)
    .filter(([, v]) => v && typeof v === 'object' && (v as { stale?: unknown }).stale === true)
    .map(([key]) => key);
}

export async function healthReport(
  ops: OpsStore,
  audit: () => Promise<AuditReport>,
  window: { marketNow: number; wallNow: number; sinceMs: number },
): Promise<HealthReport> {
  const from = window.marketNow - window.sinceMs;
  const [status, alerts, deadletters, ledger] = await Promise.all([
    ops.readStatusDoc(),
    ops.listAlerts(from, 100),
    ops.listDeadLetters(from, 100),
    audit(),
  ]);
  const s = status ?? {};
  const mode = typeof s.mode === 'string' ? s.mode : 'NORMAL';
  const lastTickAt = num(s.lastTickAt);
  const latency = num(s.lastTickLatencyMs);
  const stale = staleSymbols(s);
  const critical = alerts.filter((a) => a.severity === 'critical');
  const checks: HealthCheck[] = [
    {
      name: 'ticking',
      ok: lastTickAt !== null && window.wallNow - lastTickAt <= MAX_TICK_AGE_MS,
      detail: lastTickAt === null ? 'no tick recorded' : `last tick ${Math.round((window.wallNow - lastTickAt) / 1000)} s ago`,
    },
    { name: 'mode', ok: mode === 'NORMAL', detail: `${mode}${typeof s.modeReason === 'string' ? ` (${s.modeReason})` : ''}` },
    { name: 'scheduler', ok: s.schedulerPaused !== true, detail: s.schedulerPaused === true ? 'trading jobs paused' : 'running' },
    { name: 'latency', ok: latency === null || latency <= MAX_TICK_LATENCY_MS, detail: latency === null ? 'unknown' : `${latency} ms` },
    { name: 'feeds', ok: stale.length === 0, detail: stale.length ? `stale: ${stale.join(', ')}` : 'all fresh' },
    { name: 'critical alerts', ok: critical.length === 0, detail: `${critical.length} critical, ${alerts.length} alerts in window` },
    { name: 'dead letters', ok: deadletters.length === 0, detail: `${deadletters.length} in window` },
    {
      name: 'ledger',
      ok: ledger.clean,
      detail: ledger.clean ? `clean (through trade ${ledger.throughSeq})` : ledger.discrepancies.join('; '),
    },
  ];
  return { ok: checks.every((c) => c.ok), since: new Date(from).toISOString(), mode, checks, alerts, deadletters };
}
