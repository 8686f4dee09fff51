import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAlert } from '../../functions/src/domain/inbound/index.ts';
import { createRelay } from './relay.ts';

const SECRET = 'r'.repeat(40);
const TOKEN = 't'.repeat(32);
const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));
const close = (s: Server) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });

describe('the TradingView signing relay', () => {
  const received: { body: string; verified: boolean; source: string | undefined }[] = [];
  // a stand-in webhook that checks the signature exactly as the function does
  const target = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const failure = verifyAlert({ timestamp: req.headers['x-eagle-timestamp'] as string, signature: req.headers['x-eagle-signature'] as string, rawBody }, [SECRET], Date.now(), 300_000);
      received.push({ body: rawBody.toString(), verified: failure === null, source: req.headers['x-eagle-source'] as string });
      res.writeHead(failure ? 401 : 202, { 'content-type': 'application/json' }).end(JSON.stringify(failure ?? { status: 'accepted' }));
    });
  });
  let relay: Server;
  let blocked: Server;
  let url = '';
  let blockedUrl = '';
  beforeAll(async () => {
    const targetUrl = `http://127.0.0.1:${await listen(target)}/`;
    relay = createRelay({ target: targetUrl, source: 'tradingview', secret: SECRET, token: TOKEN });
    blocked = createRelay({ target: targetUrl, source: 'tradingview', secret: SECRET, token: TOKEN, allowIps: ['52.89.214.238'] });
    url = `http://127.0.0.1:${await listen(relay)}`;
    blockedUrl = `http://127.0.0.1:${await listen(blocked)}`;
  });
  afterAll(async () => Promise.all([close(target), close(relay), close(blocked)]));

  it('forwards the body byte for byte, signed for its source; the webhook verifies it', async () => {
    const body = '{"id":"tv-{{timenow}}","symbol":"BTCUSDT","side":"buy"}';
    const res = await fetch(`${url}/${TOKEN}`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
    expect([res.status, await res.json()]).toEqual([202, { status: 'accepted' }]);
    expect(received).toEqual([{ body, verified: true, source: 'tradingview' }]);
  });

  it('serves only its secret path, and only the allowed addresses when given', async () => {
    expect((await fetch(`${url}/wrong`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${url}/${TOKEN}`)).status).toBe(404);
    expect((await fetch(`${blockedUrl}/${TOKEN}`, { method: 'POST', body: '{}' })).status).toBe(403);
    expect(received).toHaveLength(1);
  });
});
