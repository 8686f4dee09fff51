import type { HttpFunction } from '@google-cloud/functions-framework';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { runTick, type TickDeps } from '../services/runTick.ts';
import { parseBody, sendError } from './http.ts';

export const TickRequestSchema = z
  .object({
    /** replay only: run the tick as of this market time (ISO or ms) instead of the clock's */
    asOf: z.union([z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)), z.number().int().positive()]).optional(),
    tickId: z.string().regex(/^[\w.-]{1,64}$/).optional(),
  })
  .strict();

export function makeTickHandler(getDeps: () => Promise<TickDeps>): HttpFunction {
  return async (req, res) => {
    const body = parseBody(TickRequestSchema, req, res);
    if (!body) return;
    try {
      const deps = await getDeps();
      if (body.asOf !== undefined && deps.env.MARKET_SOURCE !== 'replay') {
        res.status(400).json({ error: 'asOf is only allowed with MARKET_SOURCE=replay' });
        return;
      }
      res.json(await runTick(deps, { tickId: body.tickId ?? randomUUID(), now: body.asOf }));
    } catch (err) {
      sendError(res, err);
    }
  };
}
