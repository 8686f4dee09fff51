import { auditLedger, openingReplay, projectionDiscrepancies, replayLedger, type LedgerReplay } from '../domain/portfolio/index.ts';
import { toAmount } from '../domain/money.ts';
import { parseBotConfig } from '../config/load.ts';
import type { StateStore } from '../ports/state.ts';
import { rebuildRollups } from '../domain/performance/daily.ts';

export interface AuditReport {
  clean: boolean;
  /** incremental: from the last clean audit's checkpoint; full: from the opening wallet */
  mode: 'full' | 'incremental';
  /** the ledger sequence the audit started after, and how far it reached */
  fromSeq: number;
  throughSeq: number;
  /** trades read and replayed by this audit */
  trades: number;
  positions: number;
  discrepancies: string[];
  /** with `rollups` on a clean full audit: the daily rollups rebuilt from the ledger and the equity marks */
  rollupDays?: number;
}

/**
 * Replay trades/ and compare with wallet/paper and positions/: exact, to the last 1e-8 unit.
 * Incremental by default: it starts from audit/ledger, the replay through the last clean audit,
 * and reads only the trades booked since (by their ledger sequence number, assigned in the same
 * transaction as the wallet, so a late commit can never fall behind the cursor). `full` replays
 * from the opening wallet. A clean audit moves the checkpoint to the wallet's sequence.
 * `rollups` (with `full`): a clean ledger's rollups/{day} are rebuilt from every trade it just read and
 * the equity marks (the backfill after a restore; one read per equity day, one write per day).
 */
export async function runAudit(store: StateStore, now: number, options: { full?: boolean; rollups?: boolean } = {}): Promise<AuditReport> {
  const initialCash = toAmount(parseBotConfig(await store.getBotConfigDoc()).paper.initialCash);
  const saved = options.full ? null : await store.getAuditCheckpoint();
  // A checkpoint from another initial cash (a reset ledger) cannot be continued.
  let from: LedgerReplay = saved && saved.initialCash === initialCash ? saved : openingReplay(initialCash);
  let { book, trades, projected } = await store.loadAudit(initialCash, now, from.seq);
  if (from.seq > book.wallet.tradeSeq) {
    // The ledger is shorter than the checkpoint (restored from a backup): replay it all.
    from = openingReplay(initialCash);
    ({ book, trades, projected } = await store.loadAudit(initialCash, now, 0));
  }
  const discrepancies = [...auditLedger(book.wallet, book.positions, trades, from), ...projectionDiscrepancies(book.positions, projected)];
  const clean = discrepancies.length === 0;
  if (clean && book.wallet.tradeSeq > from.seq) await store.saveAuditCheckpoint({ ...replayLedger(from, trades), initialCash, at: now });
  const report: AuditReport = {
    clean,
    mode: from.seq === 0 ? 'full' : 'incremental',
    fromSeq: from.seq,
    throughSeq: book.wallet.tradeSeq,
    trades: trades.length,
    positions: Object.keys(book.positions).length,
    discrepancies,
  };
  if (!options.rollups || !clean || from.seq !== 0) return report;
  const rollups = rebuildRollups(trades, await store.loadEquityDays());
  await store.saveRollups(rollups, now);
  return { ...report, rollupDays: rollups.length };
}
