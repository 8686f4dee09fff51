import { describe, expect, it } from 'vitest';
import { desiredResources } from './model.ts';
import { candleBucketPath, telegramConfirmPath } from '../functions/src/shared/store/index.ts';

/** The field overrides `firebase deploy --only firestore:indexes` applies (firestore.indexes.json), as the plan shows them. */
describe('Firestore field overrides', () => {
  const fields = desiredResources({ projectId: 'eagle-prod', region: 'europe-west1' }).filter((r) => r.kind === 'fieldOverride');
  const collectionGroup = (path: string) => path.split('/').at(-2)!;

  it("exempt the candle buckets' candle map from indexing (1,440 candles a document, never queried by field)", () => {
    const days = collectionGroup(candleBucketPath('BTC/USDT', '4h', Date.UTC(2023, 0, 1)));
    expect(days).toBe('days');
    expect(fields.find((f) => f.name === `${days}.candles`)?.spec).toEqual({ indexed: false, ttl: false });
  });

  it('delete used Telegram buttons by TTL on the field FirestoreChatGuard writes (expireAt, a Timestamp)', () => {
    const telegram = collectionGroup(telegramConfirmPath('abcdefghijkl'));
    expect(fields.find((f) => f.name === `${telegram}.expireAt`)?.spec).toEqual({ indexed: false, ttl: true });
  });

  it('declare nothing else: a new override is a decision to make here', () => {
    expect(fields.map((f) => f.name).sort()).toEqual(['days.candles', 'telegram.expireAt']);
  });
});
