import { auditLedger } from '../domain/portfolio/index.ts';
import { toAmount } from '../domain/money.ts';
import { parseBotConfig } from '../config/load.ts';
import type { StateStore } from '../ports/state.ts';

export interface AuditReport {
  clean: boolean;
  trades: number;
  positions: number;
  discrepancies: string[];
}

/** Replay trades/ and compare with wallet/paper and positions/: exact, to the last 1e-8 unit. */
export async function runAudit(store: StateStore, now: number): Promise<AuditReport> {
  const config = parseBotConfig(await store.getBotConfigDoc());
  const [book, trades] = await Promise.all([store.getBook(toAmount(config.paper.initialCash), now), store.listTrades()]);
  const discrepancies = auditLedger(book.wallet, book.positions, trades);
  return { clean: discrepancies.length === 0, trades: trades.length, positions: Object.keys(book.positions).length, discrepancies };
}
