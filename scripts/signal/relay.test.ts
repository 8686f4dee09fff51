import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyAlert } from '../../functions/src/domain/inbound/index.ts';
import { createRelay, forward } from './relay.ts';

const SECRET = 'r'.repeat(40);
const TOKEN = 't'.repeat(32);
const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));
const close = (s: Server) =>
  new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  });

describe('the TradingView signing relay', () => {
  const received: { body: string; verified: boolean; source: string | undefined }[] = [];
  const logged: string[] = [];
  // a stand-in webhook that checks the signature exactly as the function does
  const target = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const failure = verifyAlert(
          { timestamp: req.headers['x-eagle-timestamp'] as string, signature: req.headers['x-eagle-signature'] as string, rawBody },
          [SECRET],
          Date.now(),
          300_000,
        );
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
    relay = createRelay({ target: targetUrl, source: 'tradingview', secret: SECRET, token: TOKEN, log: (l) => logged.push(l) });
    blocked = createRelay({ target: targetUrl, source: 'tradingview', secret: SECRET, token: TOKEN, allowIps: ['52.89.214.238'] });
    url = `http://127.0.0.1:${await listen(relay)}`;
    blockedUrl = `http://127.0.0.1:${await listen(blocked)}`;
  });
  afterAll(async () => Promise.all([close(target), close(relay), close(blocked)]));

  it('answers TradingView at once, then forwards the body byte for byte, signed for its source; the webhook verifies it', async () => {
    const body = '{"id":"tv-{{timenow}}","symbol":"BTCUSDT","side":"buy"}';
    const res = await fetch(`${url}/${TOKEN}`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
    expect([res.status, await res.json()]).toEqual([202, { status: 'relayed' }]);
    await vi.waitFor(() => expect(logged).toHaveLength(1));
    expect(received).toEqual([{ body, verified: true, source: 'tradingview' }]);
    expect(logged[0]).toBe('202 {"status":"accepted"}');
  });

  it('retries a 5xx or a network error with a fresh signature, never a 4xx', async () => {
    let calls = 0;
    const flaky = createServer((_req, res) => res.writeHead(++calls === 1 ? 503 : 409, { 'content-type': 'application/json' }).end('{}'));
    const port = await listen(flaky);
    const lines: string[] = [];
    expect(
      await forward(
        { target: `http://127.0.0.1:${port}/`, source: 's', secret: SECRET, token: TOKEN, log: (l) => lines.push(l) },
        '{}',
        [0, 0],
      ),
    ).toBe(409);
    expect(calls).toBe(2);
    await close(flaky);
    expect(
      await forward(
        { target: `http://127.0.0.1:${port}/`, source: 's', secret: SECRET, token: TOKEN, log: (l) => lines.push(l) },
        '{}',
        [0],
      ),
    ).toBe(0);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['503', '409', 'network', 'network']);
  });

  it('serves only its secret path, and only the allowed addresses when given', async () => {
    expect((await fetch(`${url}/wrong`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${url}/${TOKEN}`)).status).toBe(404);
    expect((await fetch(`${blockedUrl}/${TOKEN}`, { method: 'POST', body: '{}' })).status).toBe(403);
    expect(received).toHaveLength(1);
  });
});
