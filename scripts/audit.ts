/**
 * `npm run audit` — replay trades/ and check it reproduces wallet/paper and positions/ exactly,
 * cash ≥ 0, every position has its opening trade. Prints `audit: clean` or each discrepancy;
 * exit 1 on drift (the daily scheduled `audit` function runs the same check).
 */
import { pathToFileURL } from 'node:url';
import { FirestoreStateStore } from '../functions/src/adapters/firestore/FirestoreStateStore.ts';
import { runAudit } from '../functions/src/services/auditLedger.ts';
import type { Env } from '../functions/src/config/schema.ts';
import { cliEnv, withFirestore, stdio, type Io } from './lib/cli.ts';

export async function main(_argv: string[], io: Io = stdio, env: Env = cliEnv()): Promise<number> {
  return withFirestore(env, io, 'audit', 2, async (db) => {
    const report = await runAudit(new FirestoreStateStore(db), Date.now());
    if (report.clean) {
      io.out(`audit: clean (${report.trades} trades, ${report.positions} open positions)`);
      return 0;
    }
    io.out(`audit: ${report.discrepancies.length} discrepancies (${report.trades} trades, ${report.positions} open positions)`);
    for (const d of report.discrepancies) io.out(`  ${d}`);
    return 1;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
