import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { createFirestore } from '../../functions/src/adapters/firestore/client.ts';
import { TOPICS } from '../../infra/definitions.ts';
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

  it('delivers a Pub/Sub message through a push subscription to a functions-framework CloudEvent function', async () => {
    const received: CloudEvent<{ message: { data: string; attributes: Record<string, string>; messageId: string } }>[] = [];
    const server = await serveCloudEvent('executeOrder', (ce) => {
      received.push(ce as (typeof received)[number]);
    });
    const pubsub = pubsubClient();
    try {
      const id = await pubsub.topic(TOPICS.signals).publishMessage({ data: Buffer.from('{"hello":"eagle"}'), attributes: { signalId: 'abc' } });
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
