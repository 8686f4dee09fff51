import type { HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { runAudit } from '../services/auditLedger.ts';
import type { StateStore } from '../ports/state.ts';
import type { Clock } from '../ports/index.ts';
import { parseBody, sendError } from './http.ts';

/** 200 when the ledger replays to the wallet exactly, 409 with each discrepancy otherwise (Scheduler marks it failed). */
export function makeAuditHandler(getDeps: () => Promise<{ store: StateStore; clock: Clock }>): HttpFunction {
  return async (req, res) => {
    if (!parseBody(z.object({}).strict(), req, res)) return;
    try {
      const deps = await getDeps();
      const report = await runAudit(deps.store, deps.clock.now());
      res.status(report.clean ? 200 : 409).json(report);
    } catch (err) {
      sendError(res, err);
    }
  };
}
