import type { HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { runAudit } from '../services/auditLedger.ts';
import { runShadowDay, type ShadowDeps, type ShadowReport } from '../services/shadowDay.ts';
import { utcDay } from '../domain/wallet.ts';
import type { StateStore } from '../ports/state.ts';
import type { Clock } from '../ports/index.ts';
import { parseBody, sendError } from './http.ts';

const Body = z
  .object({
    full: z.boolean().optional(),
    /** the day the shadow backtest checks (default: yesterday, UTC, by the market clock) */
    shadowDay: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
      .optional(),
  })
  .strict();

const DAY_MS = 86_400_000;

/**
 * The daily audit: the ledger replayed to the wallet, then the shadow backtest of the day before
 * (README → Shadow backtest). 200 when the ledger is exact and live traded what the backtest says
 * (or every difference is explained); 409 with each discrepancy or difference otherwise (Scheduler
 * marks it failed). Incremental from the last clean audit; `{ "full": true }` replays everything.
 */
export function makeAuditHandler(
  getDeps: () => Promise<{ store: StateStore; clock: Clock }>,
  getShadow?: () => Promise<ShadowDeps>,
): HttpFunction {
  return async (req, res) => {
    const body = parseBody(Body, req, res);
    if (!body) return;
    try {
      const deps = await getDeps();
      const now = deps.clock.now();
      const report = await runAudit(deps.store, now, { full: body.full === true });
      const day = body.shadowDay ? body.shadowDay.replaceAll('-', '') : utcDay(now - DAY_MS);
      const shadow: ShadowReport | null = getShadow ? await runShadowDay(await getShadow(), day, now) : null;
      const different = shadow?.ran === true && shadow.status === 'different';
      res.status(report.clean && !different ? 200 : 409).json({ ...report, ...(shadow && { shadow }) });
    } catch (err) {
      sendError(res, err);
    }
  };
}
