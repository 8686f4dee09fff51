/**
 * HTTP fuzz: hostile requests against the real tick and audit handlers, served by
 * functions-framework's own server (getTestServer: the same Express app and body parsers as
 * production) with the JSON framework errors installed. The handlers get a `getDeps` that counts
 * its calls and fails: a request that reaches it has passed every check, so "no state change for
 * rejected input" is "getDeps never called for it".
 */
import type { Server } from 'node:http';
import fc from 'fast-check';
import * as ff from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hostileLeaf, hostileString, hostileTree, prototypeIsClean } from '../lib/testing/hostile.ts';
import { sendRaw } from '../lib/testing/rawHttp.ts';
import { installJsonFrameworkErrors } from './frameworkErrors.ts';
import { makeTickHandler, TickRequestSchema } from './tick.ts';
import { makeAuditHandler } from './audit.ts';

/** One raw request with exactly this content type (or none): sendRaw adds nothing of its own. */
const send = (port: number, method: string, contentType: string | null, body: string) =>
  sendRaw(port, method, contentType ? { 'content-type': contentType } : {}, body);

const METHODS = ['POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/cloudevents+json',
  'application/octet-stream',
  null,
] as const;

const tickishBody = fc.record(
  { asOf: fc.oneof(hostileLeaf, hostileTree), tickId: fc.oneof(hostileString, hostileLeaf) },
  { requiredKeys: [] },
);
const hostileBody = fc.oneof(
  tickishBody.map((b) => JSON.stringify(b) ?? ''),
  hostileTree.map((t) => JSON.stringify(t) ?? ''),
  fc.tuple(tickishBody, fc.nat()).map(([b, n]) => (JSON.stringify(b) ?? '{}').slice(0, n % 30)), // truncated JSON
  fc.constantFrom(
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    'asOf=1&asOf=2',
    '[]',
    'null',
    '1e999',
    '{"asOf":1e999}',
    '\uFEFF{}',
    '',
  ),
  hostileString,
);
const request_ = fc.record({ method: fc.constantFrom(...METHODS), contentType: fc.constantFrom(...CONTENT_TYPES), body: hostileBody });

const NO_LEAK = /\n\s+at |node_modules|\/work\/|<html|<pre>/i;

describe.each(['tick', 'audit'] as const)('%s HTTP fuzz (real functions-framework server)', (target) => {
  let server: Server;
  let port = 0;
  let depsCalls = 0;
  beforeAll(async () => {
    installJsonFrameworkErrors();
    vi.spyOn(console, 'error').mockImplementation(() => {}); // the handlers log the fuzz getDeps failure
    const getDeps = () => {
      depsCalls++;
      return Promise.reject(new Error('fuzz: no dependencies'));
    };
    const name = `fuzz_${target}`;
    ff.http(name, target === 'tick' ? makeTickHandler(getDeps as never) : makeAuditHandler(getDeps as never));
    server = getTestServer(name);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  });

  const accepts = (method: string, contentType: string | null, body: string): boolean => {
    if (
      method !== 'POST' ||
      !contentType?.startsWith('application/json') ||
      contentType.includes('latin1') ||
      Buffer.byteLength(body) > 64 * 1024
    )
      return false;
    let json: unknown;
    try {
      const text = body.replace(/^\uFEFF/, ''); // body-parser drops a BOM, as JSON allows
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      return false;
    }
    if (typeof json !== 'object' || json === null) return false;
    return target === 'tick' ? TickRequestSchema.safeParse(json).success : Array.isArray(json) ? false : Object.keys(json).length === 0;
  };

  it('1,000 hostile requests: a JSON 4xx naming the problem, no leak, no crash, nothing reaches the service', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request_, async ({ method, contentType, body }) => {
        const before = depsCalls;
        const reply = await send(port, method, contentType, body);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        const reached = depsCalls > before;
        expect(reached).toBe(accepts(method, contentType, body));
        if (reached) {
          expect(reply.status).toBe(500); // the fuzz getDeps fails: the generic answer, not its message
          expect(JSON.parse(reply.body)).toEqual({ error: 'internal error', kind: 'Error' });
          return;
        }
        expect([400, 405, 413, 415]).toContain(reply.status);
        expect(reply.contentType).toMatch(/^application\/json/);
        const parsed = JSON.parse(reply.body) as { error: unknown };
        expect(typeof parsed.error).toBe('string');
        expect(reply.body.length).toBeLessThan(4_000);
        expect(reply.body).not.toMatch(NO_LEAK);
      }),
      { numRuns: 1_000, seed: target === 'tick' ? 21 : 22 },
    );
    expect(prototypeIsClean()).toBe(true);
    // every refusal kind was exercised
    for (const s of [400, 405, 415]) expect(statuses.get(s) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(20);
  }, 120_000);
});
