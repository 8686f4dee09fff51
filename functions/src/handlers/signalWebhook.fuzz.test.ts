/**
 * Signal webhook fuzz: hostile requests (methods, content types, bodies, headers, signatures made
 * with the right secret over hostile bodies, with the wrong one, out of the window) against the real
 * handler on functions-framework's own server, over the in-memory stores with markets the real tick
 * walked. Properties: every answer is JSON and never a 5xx or a leak; a signal is published only
 * for a request signed with the source's secret inside the window whose body is a valid alert, and
 * every such new buy of a configured symbol is published; every refusal the handler answers is counted.
 */
import type { Server } from 'node:http';
import fc from 'fast-check';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw as send } from '../lib/testing/rawHttp.ts';
import { hostileString, hostileTree, mutateAt, prototypeIsClean } from '../lib/testing/hostile.ts';
import { MemoryInboundStore } from '../adapters/memory/MemoryInboundStore.ts';
import { InboundAlertSchema, resolveSymbol, signAlert } from '../domain/inbound/index.ts';
import { createLogger } from '../lib/log.ts';
import { runTick } from '../services/runTick.ts';
import { memoryDeps } from '../wiring/memory.ts';
import type { InboundDeps } from '../services/inboundSignal.ts';
import { installJsonFrameworkErrors } from './frameworkErrors.ts';
import { makeSignalWebhookHandler } from './signalWebhook.ts';

const SECRET = 'fuzz-secret-'.repeat(3);
const WALL = Date.parse('2026-12-05T06:00:00Z');
const OPEN = Date.parse('2023-04-10T12:00:00Z');
const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const NO_LEAK = /\n\s+at |node_modules|\/work\/|<html|<pre>|fuzz-secret/i;

const alert = fc.record({
  id: fc.constantFrom('k1', 'k2', 'k3', 'tv-{{timenow}}', 'a.b:c-d_e'),
  symbol: fc.constantFrom('BTC/USDT', 'ETHUSDT', 'SOL/USDT', 'BTCUSDT'),
  side: fc.constantFrom('buy', 'sell'),
});
const bodyText = fc.oneof(
  { weight: 4, arbitrary: alert.map((a) => JSON.stringify(a)) },
  { weight: 3, arbitrary: alert.chain((a) => mutateAt(a)).map((t) => JSON.stringify(t) ?? '') },
  hostileTree.map((t) => JSON.stringify(t) ?? ''),
  fc.tuple(alert, fc.nat()).map(([a, n]) => JSON.stringify(a).slice(0, n % 40)),
  fc.constantFrom(
    '{"__proto__":{"polluted":1}}',
    '[]',
    'null',
    '1e999',
    '\uFEFF{"id":"k9","symbol":"BTC/USDT","side":"buy"}',
    '',
    `{"id":"k8","symbol":"BTC/USDT","side":"buy","tag":"${'x'.repeat(5000)}"}`,
  ),
  hostileString,
);
const headerText = fc.oneof(
  fc.constantFrom('', 'tv', 'TV', '../tv', '-1', '1e9', `sha256=${'g'.repeat(64)}`, 'x'.repeat(300)),
  fc.stringMatching(/^[ -~]{0,80}$/),
);
const auth = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'valid' as const }) },
  fc.integer({ min: 301, max: 100_000 }).map((s) => ({ kind: 'stale' as const, skewS: s })),
  fc.constant({ kind: 'wrong_secret' as const }),
  fc.record({ kind: fc.constant('garbage' as const), source: headerText, timestamp: headerText, signature: headerText }),
  fc.constant({ kind: 'none' as const }),
);
const hostileRequest = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'OPTIONS'),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    null,
  ),
  body: bodyText,
  auth,
});

describe('signal webhook HTTP fuzz (real functions-framework server)', () => {
  let server: Server;
  let port = 0;
  let w: Awaited<ReturnType<typeof setup>>;

  async function setup() {
    const m = memoryDeps({ SYMBOLS: SYMBOLS.join(',') });
    await runTick(m.tick, { tickId: 't1', now: OPEN + 30_000 });
    m.clock.t = OPEN + 30_000;
    const inbound = new MemoryInboundStore();
    const deps: InboundDeps = {
      settings: { secrets: new Map([['tv', [SECRET]]]), windowMs: 300_000, limit: { perMinute: 60, burst: 100_000 } },
      inbound,
      store: m.store,
      candles: m.execute.candles,
      config: m.execute.config,
      symbols: SYMBOLS,
      timeframe: '1m',
      bus: async () => m.bus,
      marketNow: async () => m.clock.now(),
      wallNow: () => WALL,
      log: createLogger('error', {}, () => undefined),
    };
    return { ...m, inbound, deps };
  }

  beforeAll(async () => {
    installJsonFrameworkErrors();
    w = await setup();
    ff.http(
      'fuzz_signalWebhook',
      makeSignalWebhookHandler(async () => w.deps),
    );
    server = getTestServer('fuzz_signalWebhook');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  });

  it('600 hostile requests: JSON answers, no 5xx, no leak; published exactly when signed, fresh and valid; refusals counted', async () => {
    const statuses = new Map<number, number>();
    const seenKeys = new Set<string>();
    await fc.assert(
      fc.asyncProperty(hostileRequest, async ({ method, contentType, body, auth: a }) => {
        const ts = Math.floor(WALL / 1000) + (a.kind === 'stale' ? a.skewS : 0);
        const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
        if (a.kind === 'garbage')
          Object.assign(headers, { 'x-eagle-source': a.source, 'x-eagle-timestamp': a.timestamp, 'x-eagle-signature': a.signature });
        else if (a.kind !== 'none')
          Object.assign(headers, {
            'x-eagle-source': 'tv',
            'x-eagle-timestamp': String(ts),
            'x-eagle-signature': signAlert(a.kind === 'wrong_secret' ? 'w'.repeat(36) : SECRET, ts, body),
          });
        const published = w.bus.published.length;
        const counted = () => [...w.inbound.rejections.values()].reduce((n, r) => n + r.count, 0);
        const refusals = counted();
        const reply = await send(port, method, headers, body);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);

        expect(reply.contentType).toMatch(/^application\/json/);
        expect(reply.status).toBeLessThan(500);
        expect(reply.body).not.toMatch(NO_LEAK);
        const answer = JSON.parse(reply.body) as { reason?: string; error?: string };

        let parsed: ReturnType<typeof InboundAlertSchema.safeParse> | null = null;
        try {
          parsed = InboundAlertSchema.safeParse(JSON.parse(body.replace(/^\uFEFF/, '')));
        } catch {
          parsed = null;
        }
        const ok =
          method === 'POST' &&
          contentType?.startsWith('application/json') === true &&
          a.kind === 'valid' &&
          Buffer.byteLength(body) <= 4096 &&
          parsed?.success === true;
        const didPublish = w.bus.published.length > published;
        if (didPublish) expect(ok).toBe(true);
        if (ok && parsed?.success) {
          // a key is taken when its signal is recorded; a refusal by a gate leaves it free
          const key = parsed.data.id;
          const fresh = !seenKeys.has(key);
          if (didPublish) seenKeys.add(key);
          if (fresh && parsed.data.side === 'buy' && resolveSymbol(parsed.data.symbol, SYMBOLS)) expect(didPublish, reply.body).toBe(true);
          if (!fresh) expect(didPublish).toBe(false);
        }
        if (reply.status >= 400) {
          expect(typeof answer.error).toBe('string');
          // the handler's own refusals carry a reason and are counted; the framework's (bad JSON, bad charset) are not the handler's
          if (answer.reason) expect(counted()).toBe(refusals + 1);
        } else expect(reply.status).toBe(202);
      }),
      { numRuns: 600, seed: 2202 },
    );
    expect(prototypeIsClean()).toBe(true);
    for (const s of [202, 400, 401, 409, 415]) expect(statuses.get(s) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
  }, 120_000);
});
