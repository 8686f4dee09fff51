import type { HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { runWatchdog, type WatchdogDeps } from '../services/watchdog.ts';
import { parseBody, sendError } from './http.ts';

const Body = z.object({}).strict();

/** 200 when every open position's stops ran within 3 minutes, 409 naming the others (the Scheduler marks the run failed). */
export function makeWatchdogHandler(getDeps: () => Promise<WatchdogDeps>): HttpFunction {
  return async (req, res) => {
    if (!parseBody(Body, req, res)) return;
    try {
      const report = await runWatchdog(await getDeps());
      res.status(report.unprotected.length === 0 ? 200 : 409).json(report);
    } catch (err) {
      sendError(res, err);
    }
  };
}
