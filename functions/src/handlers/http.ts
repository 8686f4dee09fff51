import type { Request, Response } from '@google-cloud/functions-framework';
import type { z } from 'zod';
import { ConfigError, MarketDataError } from '../domain/errors.ts';
import { CorruptDocumentError } from '../shared/store/index.ts';
import { redactText } from '../lib/redact.ts';
import { unknownKeyError } from '../lib/unknownKeys.ts';

/**
 * The HTTP boundary of every function: POST with a JSON object only, parsed with zod. Anything else
 * is answered here (405 / 415 / 400, JSON naming the field) and never reaches a service.
 * Returns null when it answered.
 */
export function parseBody<S extends z.ZodType>(schema: S, req: Request, res: Response): z.infer<S> | null {
  if (req.method !== 'POST') {
    res
      .status(405)
      .set('allow', 'POST')
      .json({ error: `method ${String(req.method).slice(0, 16)} not allowed: use POST with a JSON body` });
    return null;
  }
  if (!req.is('application/json')) {
    res.status(415).json({ error: 'content-type must be application/json' });
    return null;
  }
  // functions-framework has parsed the JSON already (bad JSON never gets here, see frameworkErrors.ts); an empty body is {}.
  const parsed = schema.safeParse(req.body ?? {}, { error: unknownKeyError });
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 10)
      .map((i) => ({ field: i.path.map(String).join('.').slice(0, 100) || '(root)', message: i.message.slice(0, 200) }));
    res.status(400).json({ error: 'invalid request body', field: issues[0]!.field, issues });
    return null;
  }
  return parsed.data;
}

/** Our own error types carry messages written for operators (field names, paths, no secrets); anything else is logged, not shown. */
const SHOWN: readonly (abstract new (...args: never[]) => Error)[] = [ConfigError, CorruptDocumentError, MarketDataError];

export function sendError(
  res: Response,
  err: unknown,
  log: (fields: Record<string, unknown>) => void = (f) => console.error(JSON.stringify({ severity: 'ERROR', ...f })),
): void {
  const shown = err instanceof Error && SHOWN.some((T) => err instanceof T);
  if (!shown)
    log({
      message: 'unexpected error in an HTTP function',
      error: redactText(err instanceof Error ? err.message : String(err)),
      errorName: err instanceof Error ? err.name : typeof err,
    });
  if (res.headersSent) return;
  res.status(500).json(shown ? { error: redactText(err.message), kind: err.name } : { error: 'internal error', kind: 'Error' });
}
