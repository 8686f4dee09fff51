import type { Alert } from '../alerts.ts';
import type { ReconcileReport } from './compare.ts';

/** FNV-1a, 32 bits: a short stable id for one set of differences (the same drift is one alert, and one notification). */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The critical alert a drifting reconciliation raises: every difference named and explained. */
export function driftAlert(report: ReconcileReport, now: number): Alert {
  const lines = report.differences.map((d) => `${d.cause}: ${d.explanation}`);
  const key = report.differences
    .map((d) => (d.kind === 'balance' ? `${d.asset}:${d.ledger}:${d.exchange}` : `order:${d.orderId}:${d.status}`))
    .join('|');
  const message = `exchange and ledger disagree (${report.differences.length}); mode REDUCING (exits only) until \`eagle reconcile --confirm --reason …\` books it or an operator resumes. ${lines.join(' · ')}`;
  return { id: `reconcile_${fingerprint(key)}`, kind: 'reconcile', severity: 'critical', message: message.slice(0, 2000), createdAt: now };
}
