/**
 * Admin HTTP fuzz: hostile requests (methods, content types, tokens, bodies) against the real admin
 * handler served by functions-framework's own server. Authentication is real code (`authorize`)
 * over a verifier that knows one good token; every service dependency the actions use throws
 * "reached", so "no state change for refused input" is "nothing reached". Properties: a JSON answer
 * with a known status, no stack or path; the services are reached only by an authenticated POST of
 * JSON that AdminRequestSchema accepts; every authenticated call is recorded in audit_log/ once and
 * no other call is; Object.prototype stays clean.
 */
import type { Server } from 'node:http';
import fc from 'fast-check';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw as send } from '../lib/testing/rawHttp.ts';
import { hostileLeaf, hostileString, hostileTree, prototypeIsClean } from '../lib/testing/hostile.ts';
import { createLogger } from '../lib/log.ts';
import { ADMIN_ACTIONS, AdminRequestSchema } from '../services/adminActions.ts';
import type { AuditEntry } from '../ports/ops.ts';
import { installJsonFrameworkErrors } from './frameworkErrors.ts';
import { makeAdminHandler, type AdminHandlerDeps } from './admin.ts';

const GOOD = 'good-token';
const METHODS = ['POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'OPTIONS'] as const;
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  null,
] as const;
const AUTH = [
  `Bearer ${GOOD}`,
  `Bearer ${GOOD}`,
  `Bearer ${GOOD}`,
  'Bearer forged.jwt.token',
  `bearer ${GOOD}`,
  GOOD,
  'Basic dXNlcjpwYXNz',
  '',
  null,
] as const;

const actionish = fc.record(
  {
    action: fc.oneof(fc.constantFrom(...ADMIN_ACTIONS), hostileString, hostileLeaf),
    reason: fc.oneof(hostileString, hostileLeaf),
    symbol: fc.oneof(fc.constantFrom('BTC/USDT', 'DOGE/XXX'), hostileString),
    signalId: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }), hostileString),
    since: fc.oneof(fc.constantFrom('72h', '3d', '0h', '99999d'), hostileString, hostileLeaf),
    timeframe: fc.oneof(fc.constantFrom('1m', '4h'), hostileString),
    days: fc.oneof(hostileLeaf, fc.integer()),
    full: fc.oneof(fc.boolean(), hostileLeaf),
    set: fc.oneof(hostileTree, fc.constant({ timeframe: '1h' })),
    __proto__: hostileTree,
  },
  { requiredKeys: ['action'] },
);
const hostileBody = fc.oneof(
  actionish.map((b) => JSON.stringify(b) ?? ''),
  fc.constantFrom(...ADMIN_ACTIONS).map((action) => JSON.stringify({ action })),
  hostileTree.map((t) => JSON.stringify(t) ?? ''),
  fc.tuple(actionish, fc.nat()).map(([b, n]) => (JSON.stringify(b) ?? '{}').slice(0, n % 40)),
  fc.constantFrom(
    '{"action":"pause","__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    'action=pause',
    'action=kill&reason=x',
    '[]',
    'null',
    '"pause"',
    `{"action":"${'x'.repeat(100_000)}"}`,
    '',
  ),
  hostileString,
);
const request_ = fc.record({
  method: fc.constantFrom(...METHODS),
  contentType: fc.constantFrom(...CONTENT_TYPES),
  auth: fc.constantFrom(...AUTH),
  body: hostileBody,
});

const NO_LEAK = /\n\s+at |node_modules|\/work\/|<html|<pre>/i;

describe('admin HTTP fuzz (real functions-framework server, real authorize)', () => {
  let server: Server;
  let port = 0;
  let reached = 0;
  const audit: AuditEntry[] = [];
  beforeAll(async () => {
    installJsonFrameworkErrors();
    const fn = () => {
      reached++;
      throw new Error('fuzz: the service was reached');
    };
    const service = new Proxy({}, { get: () => fn });
    const deps = {
      env: { SYMBOLS: ['BTC/USDT'], TIMEFRAME: '4h' },
      store: service,
      candles: service,
      scheduler: service,
      ledger: service,
      source: fn,
      bus: fn,
      tick: fn,
      marketNow: fn,
      account: fn,
      ops: new Proxy(
        {},
        {
          get: (_t, k) =>
            k === 'recordAudit'
              ? async (e: AuditEntry) => void audit.push(e)
              : k === 'dashboardUsers'
                ? async () => ({ emails: [], admins: [] })
                : fn,
        },
      ),
      wallNow: () => Date.parse('2026-11-24T00:00:00Z'),
      log: createLogger('error', {}, () => undefined),
      verifiers: [
        { kind: 'service_account', verify: async (t: string) => (t === GOOD ? { email: 'eagle-cli@p.iam.gserviceaccount.com' } : null) },
      ],
      serviceAccounts: ['eagle-cli@p.iam.gserviceaccount.com'],
      allowedOrigins: [],
    } as unknown as AdminHandlerDeps;
    ff.http(
      'fuzz_admin',
      makeAdminHandler(async () => deps),
    );
    server = getTestServer('fuzz_admin');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  });

  /** What may get past the edge: an authenticated POST of JSON. */
  const authenticated = (method: string, contentType: string | null, auth: string | null, body: string) =>
    method === 'POST' &&
    !!contentType?.startsWith('application/json') &&
    /^Bearer\s+good-token$/i.test(auth ?? '') &&
    Buffer.byteLength(body) <= 64 * 1024 &&
    parses(body);
  /** body-parser's strict JSON: an object or an array (a BOM dropped; an empty body is {}). */
  const parses = (body: string) => {
    try {
      const v: unknown = JSON.parse(body.replace(/^\uFEFF/, '') || '{}');
      return typeof v === 'object' && v !== null;
    } catch {
      return false;
    }
  };

  it('1,500 hostile requests: a JSON answer, no leak; only a schema-valid authenticated JSON POST reaches the services; every authenticated call is audited once', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request_, async ({ method, contentType, auth, body }) => {
        const [reachedBefore, auditBefore] = [reached, audit.length];
        const headers = { ...(contentType && { 'content-type': contentType }), ...(auth !== null && { authorization: auth }) };
        const reply = await send(port, method, headers, body);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        expect([200, 204, 400, 401, 403, 404, 405, 409, 413, 415, 500]).toContain(reply.status);
        if (reply.status !== 204) {
          expect(reply.contentType).toMatch(/^application\/json/);
          expect(typeof (JSON.parse(reply.body) as { error?: unknown }).error).toBe('string');
          expect(reply.body).not.toMatch(NO_LEAK);
          expect(reply.body.length).toBeLessThan(4_000);
        }
        const authed = authenticated(method, contentType, auth, body);
        expect(audit.length - auditBefore).toBe(authed ? 1 : 0);
        const valid = authed && AdminRequestSchema.safeParse(JSON.parse(body.replace(/^\uFEFF/, '') || '{}')).success;
        expect(reached > reachedBefore).toBe(valid && reply.status === 500);
        if (!valid) expect(reached).toBe(reachedBefore);
        expect(prototypeIsClean()).toBe(true);
      }),
      { numRuns: 1_500, seed: 20261124 },
    );
    for (const s of [400, 401, 404, 405, 415]) expect(statuses.get(s) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(5);
    expect(statuses.get(500) ?? 0, 'schema-valid requests reached the services').toBeGreaterThan(10);
  }, 120_000);

  it('regressions: a form-encoded "action=kill" is refused 415 and runs nothing; refused authenticated calls are audited, an oversized action cut', async () => {
    const [r0, a0] = [reached, audit.length];
    const form = await send(
      port,
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${GOOD}` },
      'action=kill&reason=x',
    );
    expect([form.status, reached, audit.length]).toEqual([415, r0, a0]);
    const unknown = await send(
      port,
      'POST',
      { 'content-type': 'application/json', authorization: `Bearer ${GOOD}` },
      JSON.stringify({ action: 'x'.repeat(10_000) }),
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.length).toBeLessThan(1_000);
    const none = await send(port, 'POST', { 'content-type': 'application/json', authorization: `Bearer ${GOOD}` }, '[]');
    expect(none.status).toBe(400);
    expect(audit.slice(a0).map((e) => [e.status, e.action.length])).toEqual([
      [404, 100],
      [400, 6],
    ]);
  });
});
