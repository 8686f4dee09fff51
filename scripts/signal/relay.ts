/**
 * The signing relay between TradingView and the signal webhook. TradingView's alerts can set only a
 * URL and a body, so they cannot compute an HMAC; the relay runs where you control it, accepts
 * TradingView's POST at a secret path (optionally only from TradingView's published addresses),
 * and forwards the body unchanged, signed with the source's secret and the current time.
 */
import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { MAX_ALERT_BYTES, signAlert } from '../../functions/src/domain/inbound/index.ts';

export interface RelayOptions {
  /** the signal webhook's URL */
  target: string;
  source: string;
  secret: string;
  /** the path TradingView posts to is /<token> */
  token: string;
  /** when set, only these client addresses are served (TradingView's webhook addresses) */
  allowIps?: readonly string[];
  now?: () => number;
  log?: (line: string) => void;
}

/** The headers a signed request carries. */
export function signedHeaders(source: string, secret: string, body: string, nowMs: number): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'x-eagle-source': source,
    'x-eagle-timestamp': String(ts),
    'x-eagle-signature': signAlert(secret, ts, body),
  };
}

const same = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function createRelay(o: RelayOptions): Server {
  return createServer((req, res) => {
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const ip = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (o.allowIps && o.allowIps.length > 0 && !o.allowIps.includes(ip)) return reply(403, { error: 'address not allowed' });
    if (req.method !== 'POST' || !same(req.url ?? '', `/${o.token}`)) return reply(404, { error: 'not found' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_ALERT_BYTES) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      // TradingView gives up after 3 s, less than a cold start: answer now, forward after.
      reply(202, { status: 'relayed' });
      void forward(o, body);
    });
  });
}

/**
 * POST the body, signed afresh for each attempt; retry a network error or a 5xx (same body, same id:
 * the webhook books it once), never a 4xx (the webhook's refusal, logged). The outcome is logged.
 */
export async function forward(o: RelayOptions, body: string, waits: readonly number[] = [1_000, 4_000]): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    let status = 0;
    let answer = '';
    try {
      const r = await fetch(o.target, {
        method: 'POST',
        headers: signedHeaders(o.source, o.secret, body, (o.now ?? Date.now)()),
        body,
        signal: AbortSignal.timeout(30_000),
      });
      status = r.status;
      answer = (await r.text()).slice(0, 500);
    } catch (err) {
      answer = err instanceof Error ? err.message : String(err);
    }
    const retry = (status === 0 || status >= 500) && attempt < waits.length;
    (o.log ?? console.log)(`${status || 'network error'} ${answer}${retry ? ' (retrying)' : ''}`);
    if (!retry) return status;
    await new Promise((r) => setTimeout(r, waits[attempt]));
  }
}
