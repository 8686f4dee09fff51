import type { Request, Response } from '@google-cloud/functions-framework';
import type { z } from 'zod';


/** Parse an HTTP JSON body with zod; answer 400 naming the bad field. Returns null when it answered. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request, res: Response): z.infer<S> | null {
  if (req.method !== 'POST' && req.method !== 'GET') {
    res.status(405).json({ error: 'use POST (or GET for a default run)' });
    return null;
  }
  const parsed = schema.safeParse(req.method === 'GET' ? {} : (req.body ?? {}));
  if (!parsed.success) {
    res.status(400).json({ error: 'invalid request body', issues: parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message })) });
    return null;
  }
  return parsed.data;
}

/** Errors carry their kind (ConfigError, CorruptDocumentError, …) so an operator knows what to fix. */
export function sendError(res: Response, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  res.status(500).json({ error: message, kind: err instanceof Error ? err.name : 'Error' });
}
