/**
 * JSON answers for the errors functions-framework raises before our handler runs.
 *
 * functions-framework 5 parses every body with body-parser inside its own Express app and offers no
 * error hook (GoogleCloudPlatform/functions-framework-nodejs#686, open). A bad JSON body therefore
 * reaches Express's default final handler, which answers an HTML page with the stack trace and the
 * absolute paths of the server. Express copies `application.handle` into each app it creates, and
 * functions-framework builds its app only after it has loaded our module, so giving that method a
 * JSON final handler here covers every function served by this process, in production and in
 * `getTestServer`. The express patched is the one functions-framework itself resolves.
 */
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Larger bodies are refused before they are read (functions-framework would buffer up to 1 GB). */
export const MAX_BODY_BYTES = 64 * 1024;

type Final = (err?: unknown) => void;
type Handle = (this: unknown, req: IncomingMessage, res: ServerResponse, done?: Final) => void;
const PATCHED = Symbol.for('eagle-eye.jsonFrameworkErrors');

function answer(res: ServerResponse, status: number, error: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** What a client may learn from a framework error: body-parser's 4xx messages are about its own input; anything else is ours. */
export function frameworkErrorAnswer(err: unknown): { status: number; error: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { status?: unknown; statusCode?: unknown; type?: unknown; expose?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status < 400 || status >= 500) return { status: 500, error: 'internal error' };
  if (e.type === 'entity.parse.failed') return { status: 400, error: 'request body is not valid JSON' };
  if (e.type === 'entity.too.large') return { status: 413, error: `request body larger than ${MAX_BODY_BYTES} bytes` };
  return { status, error: e.expose === true && typeof e.message === 'string' ? e.message.slice(0, 200) : 'bad request' };
}

function jsonFinalHandler(req: IncomingMessage, res: ServerResponse): Final {
  return (err) => {
    if (err === undefined || err === null) return answer(res, 404, `no route for ${req.method ?? '?'} ${(req.url ?? '').slice(0, 100)}`);
    const { status, error } = frameworkErrorAnswer(err);
    if (status >= 500) console.error(JSON.stringify({ severity: 'ERROR', message: 'functions-framework error', error: err instanceof Error ? err.message : String(err) }));
    answer(res, status, error);
  };
}

/** Idempotent; call before functions-framework builds its server (index.ts does, at import). */
export function installJsonFrameworkErrors(): void {
  const ffRequire = createRequire(createRequire(import.meta.url).resolve('@google-cloud/functions-framework'));
  const app = (ffRequire('express') as { application: { handle: Handle & { [PATCHED]?: true } } }).application;
  if (app.handle[PATCHED]) return;
  const original = app.handle;
  const patched: Handle & { [PATCHED]?: true } = function (this: unknown, req, res, done) {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      res.setHeader('connection', 'close');
      return answer(res, 413, `request body larger than ${MAX_BODY_BYTES} bytes`);
    }
    original.call(this, req, res, done ?? jsonFinalHandler(req, res));
  };
  patched[PATCHED] = true;
  app.handle = patched;
}
