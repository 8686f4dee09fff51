import type { HttpFunction } from '@google-cloud/functions-framework';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { runTick, type TickDeps } from '../services/runTick.ts';
import { pastAsOf } from '../services/tickAsOf.ts';
import { parseBody, sendError } from './http.ts';

/** No exchange data before 2017 is of use to the bot; Binance spot opened in July 2017. */
export const EARLIEST_AS_OF = Date.parse('2017-01-01T00:00:00Z');

const marketTime = z
  .union(
    [
      z.iso
        .datetime({ offset: true })
        .max(40)
        .transform((s) => Date.parse(s)),
      z.number().int(),
    ],
    {
      error: 'asOf must be an ISO 8601 time with an offset, or whole milliseconds since 1970',
    },
  )
  .refine((t) => t >= EARLIEST_AS_OF, { message: 'asOf must not be before 2017-01-01T00:00:00Z' })
  .refine((t) => t <= Date.now(), { message: 'asOf must not be in the future' });

export const TickRequestSchema = z
  .object({
    /** replay only: run the tick as of this market time (ISO or ms) instead of the clock's */
    asOf: marketTime.optional(),
    tickId: z
      .string()
      .regex(/^[\w.-]{1,64}$/)
      .optional(),
  })
  .strict();

const iso = (ms: number) => new Date(ms).toISOString();

export function makeTickHandler(getDeps: () => Promise<TickDeps>): HttpFunction {
  return async (req, res) => {
    const body = parseBody(TickRequestSchema, req, res);
    if (!body) return;
    try {
      const deps = await getDeps();
      if (body.asOf !== undefined) {
        if (deps.env.MARKET_SOURCE !== 'replay') {
          res.status(400).json({ error: 'asOf is only allowed with MARKET_SOURCE=replay', field: 'asOf' });
          return;
        }
        const span = deps.source.span;
        if (span && (body.asOf < span.fromMs || body.asOf > span.untilMs)) {
          res
            .status(400)
            .json({ error: `asOf must be within the bundled data, ${iso(span.fromMs)} to ${iso(span.untilMs)}`, field: 'asOf' });
          return;
        }
        const past = await pastAsOf(deps.store, body.asOf);
        if (past) {
          res.status(409).json({ error: past, field: 'asOf' });
          return;
        }
      }
      res.json(await runTick(deps, { tickId: body.tickId ?? randomUUID(), now: body.asOf }));
    } catch (err) {
      sendError(res, err);
    }
  };
}
