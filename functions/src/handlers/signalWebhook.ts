import type { HttpFunction, Request } from '@google-cloud/functions-framework';
import { MAX_ALERT_BYTES } from '../domain/inbound/index.ts';
import { receiveInboundAlert, refuse, type InboundDeps, type InboundReply } from '../services/inboundSignal.ts';
import { sendError } from './http.ts';

const header = (req: Request, name: string): string | undefined => {
  const v = req.get(name);
  return typeof v === 'string' ? v.slice(0, 200) : undefined;
};

/**
 * The signed inbound-signal webhook (services/inboundSignal.ts): POST application/json, signed with
 * x-eagle-source, x-eagle-timestamp and x-eagle-signature. It authenticates the raw bytes
 * functions-framework received (req.rawBody), never the re-serialised parse. Public in the cloud
 * (a relay cannot mint Google identity tokens): the HMAC is the authentication.
 */
export function makeSignalWebhookHandler(getDeps: () => Promise<InboundDeps>): HttpFunction {
  return async (req, res) => {
    try {
      const deps = await getDeps();
      const raw = (req as Request & { rawBody?: unknown }).rawBody;
      let reply: InboundReply;
      if (req.method !== 'POST') {
        res.set('allow', 'POST');
        reply = await refuse(
          deps,
          '_',
          405,
          'method_not_allowed',
          `method ${String(req.method).slice(0, 16)} not allowed: POST a signed JSON alert`,
        );
      } else if (!req.is('application/json')) {
        reply = await refuse(deps, '_', 415, 'unsupported_media_type', 'content-type must be application/json');
      } else if (!Buffer.isBuffer(raw) || raw.length === 0) {
        reply = await refuse(deps, '_', 400, 'malformed', 'empty body: POST the alert as JSON');
      } else if (raw.length > MAX_ALERT_BYTES) {
        reply = await refuse(deps, '_', 413, 'too_large', `an alert is at most ${MAX_ALERT_BYTES} bytes`);
      } else {
        reply = await receiveInboundAlert(deps, {
          source: header(req, 'x-eagle-source'),
          timestamp: header(req, 'x-eagle-timestamp'),
          signature: header(req, 'x-eagle-signature'),
          rawBody: raw,
        });
      }
      if (reply.retryAfterS !== undefined) res.set('retry-after', String(reply.retryAfterS));
      res.status(reply.status).json(reply.body);
    } catch (err) {
      sendError(res, err);
    }
  };
}
