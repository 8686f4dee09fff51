import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { createFirestore } from '../../functions/src/adapters/firestore/client.ts';
import { TOPICS } from '../../infra/definitions.ts';
import { clearFirestore } from '../../emulators/stack.ts';
import { emulatorEnv, eventually, pubsubClient, resetFirestore, serveCloudEvent } from './harness.ts';

describe('foundation: the real emulators', () => {
  const db = createFirestore(emulatorEnv().projectId);
  afterAll(() => db.terminate());
  beforeEach(resetFirestore);

  it('runs a Firestore transaction round trip, and a conflicting create fails', async () => {
    const ref = db.doc('foundation/counter');
    await db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      expect(snap.exists).toBe(false);
      tx.create(ref, { n: 1 });
    });
    // Two concurrent increments: the transaction retries, so neither update is lost.
    await Promise.all(
      [1, 2].map(() =>
        db.runTransaction(async (tx) => {
          const snap = await tx.get(ref);
          tx.update(ref, { n: (snap.get('n') as number) + 1 });
        }),
      ),
    );
    expect((await ref.get()).get('n')).toBe(3);
    await expect(db.runTransaction(async (tx) => void tx.create(ref, { n: 0 }))).rejects.toThrow(/ALREADY_EXISTS|already exists/i);
  });

  it('clearing waits out a transaction that holds a lock (the emulator answers 409 meanwhile) instead of failing', async () => {
    const e = emulatorEnv();
    const ref = db.doc('foundation/locked');
    await ref.set({ n: 1 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const hasLock = new Promise<void>((r) => (locked = r));
    const tx = db.runTransaction(async (t) => {
      await t.get(ref);
      locked();
      await held;
      t.update(ref, { n: 2 });
    });
    await hasLock;
    // the emulator gives up on a held lock after ~2 s; the lock is released only after that
    const raw = await fetch(`http://${e.firestoreHost}/emulator/v1/projects/${e.projectId}/databases/(default)/documents`, {
      method: 'DELETE',
    });
    expect(raw.status).toBe(409);
    setTimeout(release, 3_000); // after the first attempt has given up
    await clearFirestore(e.firestoreHost, e.projectId);
    await tx.catch(() => undefined); // committed before the clear, or aborted by it: either way the clear won
    expect((await db.collection('foundation').get()).size).toBe(0);
  });

  it('delivers a Pub/Sub message through a push subscription to a functions-framework CloudEvent function', async () => {
    const received: CloudEvent<{ message: { data: string; attributes: Record<string, string>; messageId: string } }>[] = [];
    const server = await serveCloudEvent('executeOrder', (ce) => {
      received.push(ce as (typeof received)[number]);
    });
    const pubsub = pubsubClient();
    try {
      const id = await pubsub
        .topic(TOPICS.signals)
        .publishMessage({ data: Buffer.from('{"hello":"eagle"}'), attributes: { signalId: 'abc' } });
      const ce = await eventually(async () => received.find((e) => e.data?.message.messageId === id), 20_000, 'push delivery');
      expect(ce.type).toBe('google.cloud.pubsub.topic.v1.messagePublished');
      expect(Buffer.from(ce.data!.message.data, 'base64').toString()).toBe('{"hello":"eagle"}');
      expect(ce.data!.message.attributes).toEqual({ signalId: 'abc' });
    } finally {
      await server.close();
      await pubsub.close();
    }
  });
});
