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
  const [book, trades, projected] = await Promise.all([store.getBook(toAmount(config.paper.initialCash), now), store.listTrades(), store.listPositionDocs()]);
  const discrepancies = auditLedger(book.wallet, book.positions, trades);
  // positions/* is a projection of the ledger's positions, written in the same transaction: they must agree.
  const booked = new Map(Object.values(book.positions).map((p) => [p.symbol, p]));
  for (const p of projected) if (booked.get(p.symbol)?.openTradeId !== p.openTradeId || booked.get(p.symbol)?.qty !== p.qty) discrepancies.push(`projection_mismatch: positions/${p.symbol.replace('/', '-')} does not match wallet/paper`);
  for (const p of booked.values()) if (!projected.some((q) => q.symbol === p.symbol)) discrepancies.push(`projection_missing: no positions/${p.symbol.replace('/', '-')} for the booked position`);
  return { clean: discrepancies.length === 0, trades: trades.length, positions: Object.keys(book.positions).length, discrepancies };
}
