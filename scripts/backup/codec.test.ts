import { describe, expect, it } from 'vitest';
import { FieldValue, Firestore, GeoPoint, Timestamp, type DocumentReference, type VectorValue } from '@google-cloud/firestore';
import { decodeFields, encodeFields, encodeValue, ValueSchema } from './codec.ts';
import { bucketStart, candleBucketPath, tradePath } from '../../functions/src/shared/store/index.ts';

const CANDLES = candleBucketPath('BTC/USDT', '1h', bucketStart(1_667_779_200_000, '1h'));

// Never connects: only used to build references.
const db = new Firestore({ projectId: 'demo-codec' });

describe('typed value codec', () => {
  it('encodes each Firestore type as its REST-shaped typed value', () => {
    expect(encodeValue('a')).toEqual({ stringValue: 'a' });
    expect(encodeValue(true)).toEqual({ booleanValue: true });
    expect(encodeValue(null)).toEqual({ nullValue: null });
    expect(encodeValue(2n ** 62n)).toEqual({ integerValue: '4611686018427387904' });
    expect(encodeValue(-7n)).toEqual({ integerValue: '-7' });
    expect(encodeValue(1.5)).toEqual({ doubleValue: 1.5 });
    expect(encodeValue(NaN)).toEqual({ doubleValue: 'NaN' });
    expect(encodeValue(-Infinity)).toEqual({ doubleValue: '-Infinity' });
    expect(encodeValue(-0)).toEqual({ doubleValue: '-0' });
    expect(encodeValue(new Timestamp(1_667_779_200, 123_456_789))).toEqual({ timestampValue: '2022-11-07T00:00:00.123456789Z' });
    expect(encodeValue(new Timestamp(-1, 5))).toEqual({ timestampValue: '1969-12-31T23:59:59.000000005Z' });
    expect(encodeValue(Buffer.from([0, 255, 7]))).toEqual({ bytesValue: 'AP8H' });
    expect(encodeValue(new GeoPoint(48.85, 2.35))).toEqual({ geoPointValue: { latitude: 48.85, longitude: 2.35 } });
    expect(encodeValue(db.doc(tradePath('x')))).toEqual({ referenceValue: tradePath('x') });
    expect(encodeValue(FieldValue.vector([0.5, 1]))).toEqual({ vectorValue: [0.5, 1] });
    expect(encodeValue([1n, 'b', []])).toEqual({ arrayValue: [{ integerValue: '1' }, { stringValue: 'b' }, { arrayValue: [] }] });
    expect(encodeValue({ 'a.b': {}, ü: 1n })).toEqual({ mapValue: { 'a.b': { mapValue: {} }, ü: { integerValue: '1' } } });
  });

  it('decodes back to values equal in type and content, through JSON', () => {
    const doc = {
      big: 2n ** 62n,
      neg: -7n,
      dbl: 0.1,
      nan: NaN,
      inf: Infinity,
      negZero: -0,
      text: 'x',
      yes: false,
      nothing: null,
      at: new Timestamp(1_667_779_200, 999_999_999),
      bytes: Buffer.from('héllo'),
      where: new GeoPoint(-33.9, 151.2),
      ref: db.doc(CANDLES),
      vec: FieldValue.vector([1.25, -2]),
      list: [[], {}, [1n, [2.5]]],
      map: { nested: { deeper: 'y' } },
    };
    const json = JSON.parse(JSON.stringify(encodeFields(doc))) as ReturnType<typeof encodeFields>;
    for (const v of Object.values(json)) expect(ValueSchema.safeParse(v).success).toBe(true);
    const back = decodeFields(json, db);
    expect(back.big).toBe(2n ** 62n);
    expect(back.neg).toBe(-7n);
    expect(back.dbl).toBe(0.1);
    expect(back.nan).toBeNaN();
    expect(back.inf).toBe(Infinity);
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect((back.at as Timestamp).isEqual(doc.at)).toBe(true);
    expect(Buffer.compare(back.bytes as Buffer, doc.bytes)).toBe(0);
    expect((back.where as GeoPoint).isEqual(doc.where)).toBe(true);
    expect((back.ref as DocumentReference).path).toBe(CANDLES);
    expect((back.vec as VectorValue).toArray()).toEqual([1.25, -2]);
    expect(back.list).toEqual([[], {}, [1n, [2.5]]]);
    expect(back.map).toEqual({ nested: { deeper: 'y' } });
    expect(encodeFields(back)).toEqual(json);
  });

  it('refuses what Firestore cannot store, and the schema refuses malformed typed values', () => {
    expect(() => encodeValue(new Map())).toThrow(/cannot encode a Firestore value of type \[object Map\]/);
    expect(() => encodeValue(undefined)).toThrow(/cannot encode/);
    expect(ValueSchema.safeParse({ integerValue: '1.5' }).success).toBe(false);
    expect(ValueSchema.safeParse({ integerValue: 1 }).success).toBe(false);
    expect(ValueSchema.safeParse({ timestampValue: '2022-11-07T00:00:00Z' }).success).toBe(false);
    expect(ValueSchema.safeParse({ stringValue: 'a', integerValue: '1' }).success).toBe(false);
    expect(ValueSchema.safeParse({ mapValue: { a: { doubleValue: 'nan' } } }).success).toBe(false);
  });
});
