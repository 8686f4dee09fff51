/**
 * The HTTP boundary, probed as an attacker would, against the REAL functions-framework entry point
 * (its main.js, as `npm start` and Cloud Run run it), loading the function's own entry (functions/src/entries/), with the
 * loopback preload `npm start` uses. Each case here ran a tick, answered HTML with a stack trace, or
 * listened on every interface before the fix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Firestore } from '@google-cloud/firestore';
import { acceptsConnections } from '../../scripts/local/processes.ts';
import { stopProcessGroup } from '../../emulators/processGroup.ts';
import { emulatorEnv, eventually, resetFirestore } from './harness.ts';
import { freePort, listenAddresses } from './listening.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('HTTP boundary of the tick and audit functions (real functions-framework server)', () => {
  const servers: { target: string; port: number; child: ChildProcess; output: string[] }[] = [];
  let db: Firestore;
  const url = (target: string) => `http://127.0.0.1:${servers.find((s) => s.target === target)!.port}/`;
  const post = (target: string, body: string, contentType: string | null = 'application/json') =>
    fetch(url(target), { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });
  const statusExists = async () => (await db.doc('status/system').get()).exists;

  beforeAll(async () => {
    const e = emulatorEnv();
    db = new Firestore({ projectId: e.projectId });
    await resetFirestore();
    for (const target of ['tick', 'audit']) {
      const port = await freePort();
      const output: string[] = [];
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--import', join(ROOT, 'scripts/local/bindLoopback.mjs'), join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js'),
          `--target=${target}`, '--signature-type=http', `--port=${port}`, `--source=src/entries/${target}.ts`],
        {
          cwd: join(ROOT, 'functions'), detached: true, stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, PROJECT_ID: e.projectId, FIRESTORE_EMULATOR_HOST: e.firestoreHost, PUBSUB_EMULATOR_HOST: e.pubsubHost, MARKET_SOURCE: 'replay', LOG_LEVEL: 'error', METADATA_SERVER_DETECTION: 'none', NODE_ENV: 'development' },
        },
      );
      child.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
      child.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
      servers.push({ target, port, child, output });
      await eventually(async () => {
        if (child.exitCode !== null) throw new Error(`${target} exited: ${output.join('')}`);
        return (await acceptsConnections('127.0.0.1', port)) || undefined;
      }, 60_000, `${target} to listen`);
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
    for (const target of ['tick', 'audit']) {
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
});
