/** Human-readable output of each action's result, and its exit code (0 ok, 1 needs attention). */
import type { HealthReport } from '../../functions/src/services/adminHealth.ts';
import type { AuditReport } from '../../functions/src/services/auditLedger.ts';
import type { BackfillResult, GapReport } from '../../functions/src/services/adminCandles.ts';
import { formatTickLine } from '../local/format.ts';
import { replyLines } from '../../functions/src/services/commandReplies.ts';

const iso = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));

export function formatResult(action: string, result: unknown): { lines: string[]; code: number } {
  const r = result as Record<string, unknown>;
  switch (action) {
    case 'scheduler-pause':
      return { lines: ['trading Scheduler stopped: no tick runs and no stop is checked until `eagle resume`'], code: 0 };
    case 'backfill': {
      const b = result as BackfillResult;
      return {
        lines: [
          `backfill ${b.symbol} ${b.timeframe}: ${b.candles} candles from ${b.from} to ${b.to} in ${b.steps} steps; ${b.gaps} gaps the source could not fill${b.capped ? " (stopped at the stack's clock)" : ''}`,
        ],
        code: 0,
      };
    }
    case 'check-gaps': {
      const reports = (r.symbols ?? []) as GapReport[];
      const lines: string[] = [];
      for (const g of reports) {
        if (g.stored === 0) {
          lines.push(`${g.symbol} ${g.timeframe}: no stored candles`);
          continue;
        }
        const missing = g.gaps.reduce((s, x) => s + x.missing, 0);
        lines.push(
          `${g.symbol} ${g.timeframe}: ${g.stored} candles ${iso(g.first)} → ${iso(g.last)}, ${g.gaps.length} gaps (${missing} missing)`,
        );
        for (const x of g.gaps) lines.push(`  after ${iso(x.after)} next ${iso(x.next)}: ${x.missing} missing`);
      }
      return { lines, code: Number(r.gaps) > 0 ? 1 : 0 };
    }
    case 'audit': {
      const a = result as AuditReport;
      const scope = `${a.mode}: ${a.trades} trades replayed, ledger sequence ${a.fromSeq} → ${a.throughSeq}, ${a.positions} open positions`;
      if (a.clean)
        return {
          lines: [`audit: clean (${scope})`, ...(a.rollupDays === undefined ? [] : [`rollups: ${a.rollupDays} days rebuilt`])],
          code: 0,
        };
      return { lines: [`audit: ${a.discrepancies.length} discrepancies (${scope})`, ...a.discrepancies.map((d) => `  ${d}`)], code: 1 };
    }
    case 'health':
      return { lines: replyLines(action, result), code: (result as HealthReport).ok ? 0 : 1 };
    case 'reconcile':
      return formatReconcile(r);
    case 'tick':
      return { lines: [formatTickLine('tick', { status: 200, body: result, wallMs: 0 })], code: 0 };
    case 'regenerate-signal':
      return { lines: [`re-published signal ${String(r.signalId)} (message ${String(r.messageId)})`], code: 0 };
    default:
      // the command set's answers (mode changes, force-exit, reports): the text the chat sends too
      return { lines: replyLines(action, result), code: 0 };
  }
}

/** Amounts arrive as 8-decimal strings (the admin answer's JSON). */
type Json = Record<string, string | null>;
interface ReportJson {
  clean: boolean;
  rows: Json[];
  differences: Json[];
  deferred: string[];
}

function reportLines(title: string, rep: ReportJson): string[] {
  const lines = [
    `${title}: ${rep.clean ? 'clean' : `${rep.differences.length} difference(s)`}`,
    `  ${'asset'.padEnd(6)} ${'ledger'.padStart(20)} ${'exchange (free + locked)'.padStart(42)} ${'delta'.padStart(20)}  status`,
  ];
  for (const x of rep.rows) {
    const ex = `${x.exchange} (${x.free} + ${x.locked})`;
    lines.push(
      `  ${String(x.asset).padEnd(6)} ${String(x.ledger).padStart(20)} ${ex.padStart(42)} ${String(x.delta).padStart(20)}  ${String(x.status)}`,
    );
  }
  for (const d of rep.differences) lines.push(`  ${String(d.cause)}: ${String(d.explanation)}`);
  if (rep.deferred.length > 0) lines.push(`  deferred (a bot order is in flight): ${rep.deferred.join(', ')}`);
  return lines;
}

/** `eagle reconcile`: the table, then (with --confirm) what was booked and the comparison after it. Exit 1 while not clean. */
function formatReconcile(r: Record<string, unknown>): { lines: string[]; code: number } {
  const report = r.report as ReportJson;
  const lines = reportLines('exchange vs ledger', report);
  const booked = r.booked as Json[] | null;
  const after = r.after as ReportJson | null;
  if (booked === null) {
    if (!report.clean) lines.push('book these as adjustments: eagle reconcile --confirm --reason "…"');
    return { lines: [...lines, `mode ${String(r.mode)}`], code: report.clean ? 0 : 1 };
  }
  lines.push(`booked ${booked.length} adjustment(s):`);
  for (const e of booked)
    lines.push(
      `  #${String(e.seq)} ${String(e.symbol)} qty ${String(e.qtyDelta)} cash ${String(e.cashDelta)} (${String((e.adjustment as unknown as Json).cause)})`,
    );
  if (after) lines.push(...reportLines('after booking', after));
  lines.push(`mode ${String(r.mode)}`);
  return { lines, code: after?.clean ? 0 : 1 };
}
