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
/**
 * The limit for Pub/Sub-triggered functions (executeOrder, budgetGuard): Pub/Sub publishes messages
 * of up to 10 MB, which a push carries base64-encoded (4/3 of the size, 13.4 MB) in a JSON envelope.
 * Every message Pub/Sub can deliver must reach the handler, which dead-letters what it cannot use
 * with the reason (a 413 here would only be retried until the dead-letter topic, with no reason).
 */
export const MAX_PUSH_BODY_BYTES = 14 * 1024 * 1024;
const PUSH_CONTENT_TYPES = ['application/json', 'application/cloudevents+json'];

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
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    status?: unknown;
    statusCode?: unknown;
    type?: unknown;
    expose?: unknown;
    message?: unknown;
  };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status < 400 || status >= 500) return { status: 500, error: 'internal error' };
  if (e.type === 'entity.parse.failed') return { status: 400, error: 'request body is not valid JSON' };
  if (e.type === 'entity.too.large') return { status: 413, error: 'request body too large' };
  return { status, error: e.expose === true && typeof e.message === 'string' ? e.message.slice(0, 200) : 'bad request' };
}

function jsonFinalHandler(req: IncomingMessage, res: ServerResponse): Final {
  return (err) => {
    if (err === undefined || err === null) return answer(res, 404, `no route for ${req.method ?? '?'} ${(req.url ?? '').slice(0, 100)}`);
    const { status, error } = frameworkErrorAnswer(err);
    if (status >= 500)
      console.error(
        JSON.stringify({
          severity: 'ERROR',
          message: 'functions-framework error',
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    answer(res, status, error);
  };
}

type App = { router?: { stack?: { name?: string }[] } };
const eventApps = new WeakMap<object, boolean>();

/**
 * Whether this Express app serves a Pub/Sub-triggered (CloudEvent or background event) function:
 * functions-framework puts its Pub/Sub push middleware only in those apps (server.js getServer).
 */
function servesEvents(app: App): boolean {
  let known = eventApps.get(app);
  if (known === undefined) {
    known = (app.router?.stack ?? []).some((layer) => layer.name === 'legacyPubSubEventMiddleware');
    eventApps.set(app, known);
  }
  return known;
}

/**
 * The door of a Pub/Sub-triggered function, answered before functions-framework reads the body
 * (its wrapper would answer these with 500): POST only (405, Allow: POST), a JSON or CloudEvents
 * JSON body only (415), at most MAX_PUSH_BODY_BYTES (413). HTTP functions keep MAX_BODY_BYTES and
 * answer 405/415 themselves (http.ts parseBody, the admin handler).
 */
function refusePush(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    answer(res, 405, `method ${String(req.method).slice(0, 16)} not allowed: Pub/Sub pushes with POST`);
    return true;
  }
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (!PUSH_CONTENT_TYPES.includes(type)) {
    answer(res, 415, 'content-type must be application/json (a Pub/Sub push or a CloudEvent)');
    return true;
  }
  return false;
}

/** Idempotent; call before functions-framework builds its server (index.ts does, at import). */
export function installJsonFrameworkErrors(): void {
  const ffRequire = createRequire(createRequire(import.meta.url).resolve('@google-cloud/functions-framework'));
  const app = (ffRequire('express') as { application: { handle: Handle & { [PATCHED]?: true } } }).application;
  if (app.handle[PATCHED]) return;
  const original = app.handle;
  const patched: Handle & { [PATCHED]?: true } = function (this: unknown, req, res, done) {
    const events = servesEvents(this as App);
    const limit = events ? MAX_PUSH_BODY_BYTES : MAX_BODY_BYTES;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      res.setHeader('connection', 'close');
      return answer(res, 413, `request body larger than ${limit} bytes`);
    }
    if (events && refusePush(req, res)) return;
    original.call(this, req, res, done ?? jsonFinalHandler(req, res));
  };
  patched[PATCHED] = true;
  app.handle = patched;
}
