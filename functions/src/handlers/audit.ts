import type { HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { runAudit } from '../services/auditLedger.ts';
import type { StateStore } from '../ports/state.ts';
import type { Clock } from '../ports/index.ts';
import { parseBody, sendError } from './http.ts';

const Body = z.object({ full: z.boolean().optional() }).strict();

/**
 * 200 when the ledger replays to the wallet exactly, 409 with each discrepancy otherwise (Scheduler
 * marks it failed). Incremental from the last clean audit; `{ "full": true }` replays everything.
 */
export function makeAuditHandler(getDeps: () => Promise<{ store: StateStore; clock: Clock }>): HttpFunction {
  return async (req, res) => {
    const body = parseBody(Body, req, res);
    if (!body) return;
    try {
      const deps = await getDeps();
      const report = await runAudit(deps.store, deps.clock.now(), { full: body.full === true });
      res.status(report.clean ? 200 : 409).json(report);
    } catch (err) {
      sendError(res, err);
    }
  };
}
