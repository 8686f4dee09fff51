/**
 * The HTTP boundary, probed as an attacker would, against the REAL functions-framework entry point
 * (its main.js, as `npm start` and Cloud Run run it), loading the function's own entry (functions/src/entries/), with the
 * loopback preload `npm start` uses. Each case here ran a tick, answered HTML with a stack trace, or
 * listened on every interface before the fix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Firestore } from '@google-cloud/firestore';
import { acceptsConnections } from '../../scripts/local/processes.ts';
import { stopProcessGroup } from '../../emulators/processGroup.ts';
import { emulatorEnv, eventually, resetFirestore } from './harness.ts';
import { MAX_PUSH_BODY_BYTES } from '../../functions/src/handlers/frameworkErrors.ts';
import { freePort, listenAddresses } from './listening.ts';
import { PATHS, deadLetterPath } from '../../functions/src/shared/store/index.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('HTTP boundary of the tick, audit, executeOrder and budgetGuard functions (real functions-framework server)', () => {
  const servers: { target: string; port: number; child: ChildProcess; output: string[] }[] = [];
  let db: Firestore;
  const url = (target: string) => `http://127.0.0.1:${servers.find((s) => s.target === target)!.port}/`;
  const post = (target: string, body: string, contentType: string | null = 'application/json') =>
    fetch(url(target), { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });
  const statusExists = async () => (await db.doc(PATHS.status).get()).exists;

  beforeAll(async () => {
    const e = emulatorEnv();
    db = new Firestore({ projectId: e.projectId });
    await resetFirestore();
    for (const [target, signature] of [
      ['tick', 'http'],
      ['audit', 'http'],
      ['executeOrder', 'cloudevent'],
      ['budgetGuard', 'cloudevent'],
    ] as const) {
      const port = await freePort();
      const output: string[] = [];
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '--import',
          join(ROOT, 'scripts/local/bindLoopback.mjs'),
          join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js'),
          `--target=${target}`,
          `--signature-type=${signature}`,
          `--port=${port}`,
          `--source=src/entries/${target}.ts`,
        ],
        {
          cwd: join(ROOT, 'functions'),
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            PROJECT_ID: e.projectId,
            FIRESTORE_EMULATOR_HOST: e.firestoreHost,
            PUBSUB_EMULATOR_HOST: e.pubsubHost,
            MARKET_SOURCE: 'replay',
            LOG_LEVEL: 'error',
            METADATA_SERVER_DETECTION: 'none',
            NODE_ENV: 'development',
          },
        },
      );
      child.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
      child.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
      servers.push({ target, port, child, output });
      await eventually(
        async () => {
          if (child.exitCode !== null) throw new Error(`${target} exited: ${output.join('')}`);
          return (await acceptsConnections('127.0.0.1', port)) || undefined;
        },
        60_000,
        `${target} to listen`,
      );
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => stopProcessGroup(s.child)));
    await db?.terminate();
  });

  it('listens on 127.0.0.1 only', () => {
    for (const { port } of servers) expect(listenAddresses(port)).toEqual(['0100007F']);
  });

  it('answers bad JSON with a 400 JSON message, no stack trace and no path', async () => {
    for (const target of ['tick', 'audit', 'executeOrder', 'budgetGuard']) {
      const res = await post(target, '{"asOf": 1679407230000,');
      const text = await res.text();
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(text)).toEqual({ error: 'request body is not valid JSON' });
      expect(text).not.toMatch(/ at |node_modules|\/work\/|<html/i);
    }
    expect(await statusExists()).toBe(false);
  });

  it('refuses GET, a body without a content type and a form-encoded body without running a tick', async () => {
    const get = await fetch(url('tick'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toMatchObject({ error: expect.stringContaining('POST') });
    const bare = await post('tick', '{}', null);
    expect(bare.status).toBe(415);
    const form = await post('tick', 'asOf=1500000000000', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    expect(await form.json()).toEqual({ error: 'content-type must be application/json' });
    expect(await statusExists()).toBe(false);
  });

  it('bounds asOf: not before 2017, never in the future, within the bundled data for replay; ints only', async () => {
    const cases: [unknown, RegExp][] = [
      ['2099-01-01T00:00:00Z', /future/],
      [9e15, /future/],
      [Number.MAX_SAFE_INTEGER, /future/],
      ['1970-01-01T00:00:00Z', /2017/],
      [0, /2017/],
      [-1, /2017/],
      [1679407230000.5, /whole milliseconds/],
      ['9999-12-31T23:59:59Z', /future/],
      [Date.parse('2024-06-01T00:00:00Z'), /bundled data/],
      ['x'.repeat(10_000), /ISO 8601/],
    ];
    for (const [asOf, message] of cases) {
      const res = await post('tick', JSON.stringify({ asOf }));
      const body = (await res.json()) as { error: string; field?: string; issues?: { message: string }[] };
      expect(res.status, JSON.stringify({ asOf: String(asOf).slice(0, 40), body })).toBe(400);
      expect(body.field).toBe('asOf');
      expect([body.error, ...(body.issues ?? []).map((i) => i.message)].join(' ')).toMatch(message);
    }
    const longId = await post('tick', JSON.stringify({ tickId: 'a'.repeat(65) }));
    expect(longId.status).toBe(400);
    expect(await statusExists()).toBe(false);
  });

  it('refuses a body over 64 KB before reading it, as JSON', async () => {
    const res = await post('tick', JSON.stringify({ tickId: 'a', pad: 'x'.repeat(100_000) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'request body larger than 65536 bytes' });
  });

  it('still runs a tick for a valid replay request (the refusals above are not blanket)', async () => {
    const res = await post('tick', JSON.stringify({ asOf: '2023-03-21T14:00:30Z', tickId: 'boundary-1' }));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ tickId: 'boundary-1' });
    expect(await statusExists()).toBe(true);
  });
  it('refuses a tick whose asOf goes back before the market time already ticked (409 naming asOf), and allows the same asOf again', async () => {
    const marketTime = async () => (await db.doc(PATHS.status).get()).data()?.marketTime as number | undefined;
    const at = Date.parse('2023-03-21T14:00:30Z');
    if ((await marketTime()) !== at) expect((await post('tick', JSON.stringify({ asOf: at }))).status).toBe(200);
    const back = await post('tick', JSON.stringify({ asOf: '2023-03-21T13:00:30Z' }));
    expect(back.status).toBe(409);
    expect(await back.json()).toMatchObject({ field: 'asOf', error: expect.stringContaining('never moves backwards') });
    expect(await marketTime()).toBe(at);
    expect((await post('tick', JSON.stringify({ asOf: at }))).status).toBe(200);
    expect(await marketTime()).toBe(at);
  });

  const pushPath = () => `projects/${emulatorEnv().projectId}/topics/signals`;
  const push = (target: string, message: Record<string, unknown>) =>
    fetch(`${url(target)}${pushPath()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message, subscription: 'projects/p/subscriptions/s' }),
    });
  const deadLetter = (id: string) => eventually(async () => (await db.doc(deadLetterPath(id)).get()).data(), 20_000, deadLetterPath(id));

  it('executeOrder and budgetGuard answer a stray method 405 (Allow: POST) and a non-JSON body 415, as JSON, never 500', async () => {
    for (const target of ['executeOrder', 'budgetGuard']) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await fetch(url(target), {
          method,
          ...(method === 'PUT' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
        });
        expect(res.status, `${target} ${method}`).toBe(405);
        expect(res.headers.get('allow')).toBe('POST');
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await res.json()).toHaveProperty('error');
      }
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', null]) {
        const res = await post(target, 'message=1', contentType);
        expect(res.status, `${target} ${contentType}`).toBe(415);
        expect(await res.json()).toHaveProperty('error');
      }
    }
    expect((await db.collection(PATHS.deadletters).get()).size).toBe(0);
  });

  it('Pub/Sub pushes over 64 KB reach the handler and are dead-lettered with the reason; only bodies over the push limit get 413', async () => {
    const data = Buffer.alloc(1_500_000, 'x').toString('base64'); // 2 MB of base64: far over the HTTP limit, inside Pub/Sub's 10 MB
    const res = await push('executeOrder', { data, messageId: 'big-1', attributes: { signalId: 'big' } });
    expect(res.status, await res.clone().text()).toBeLessThan(300); // acked: a dead letter, not a retry
    expect((await deadLetter('big-1')).reason).toMatch(/message data over 1000000 base64 characters/);

    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${url('executeOrder')}${pushPath()}`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': MAX_PUSH_BODY_BYTES + 1 } },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c)).on('end', () =>
            resolve({ status: r.statusCode!, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status.status).toBe(413);
    expect(JSON.parse(status.body)).toEqual({ error: `request body larger than ${MAX_PUSH_BODY_BYTES} bytes` });
  });

  it('attributes-only messages each get their own dead-letter record, named by their message id', async () => {
    for (const [target, prefix] of [
      ['executeOrder', ''],
      ['budgetGuard', 'budget_'],
    ] as const) {
      for (const n of [1, 2])
        expect((await push(target, { messageId: `${target}-attrs-${n}`, attributes: { signalId: `s${n}` } })).status).toBeLessThan(300);
      for (const n of [1, 2])
        expect(await deadLetter(`${prefix}${target}-attrs-${n}`)).toMatchObject({ attributes: { signalId: `s${n}` } });
    }
    expect((await db.collection(PATHS.deadletters).get()).docs.map((d) => d.id).filter((id) => id.includes('-attrs-'))).toHaveLength(4);
  });
});
