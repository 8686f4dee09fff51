/**
 * Typed JSON for Firestore values, in the shape of the Firestore REST API's `Value`
 * (stringValue, integerValue, doubleValue, …), so a dump keeps every type, not just what JSON has:
 * - integers stay integers of any size (decimal strings; read with `useBigInt`, written as bigint);
 * - doubles keep NaN, ±Infinity and -0 (as strings, which JSON cannot hold as numbers);
 * - timestamps keep every digit Firestore keeps (microseconds), bytes are base64, geo points and vectors keep their type;
 * - a reference is stored as its path inside the database, so a restore into another project
 *   points at that project's document.
 * One loss, documented: the Node SDK writes an integral double (2.0) as an integer. Eagle Eye's own
 * writers (all Node) can never produce one; a console edit could, and comes back as the integer.
 */
import {
  DocumentReference,
  FieldValue,
  GeoPoint,
  Timestamp,
  VectorValue,
  type DocumentData,
  type Firestore,
} from '@google-cloud/firestore';
import { z } from 'zod';

export type Value =
  | { stringValue: string }
  | { booleanValue: boolean }
  | { nullValue: null }
  | { integerValue: string }
  | { doubleValue: number | 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { timestampValue: string }
  | { bytesValue: string }
  | { geoPointValue: { latitude: number; longitude: number } }
  | { referenceValue: string }
  | { vectorValue: number[] }
  | { arrayValue: Value[] }
  | { mapValue: Record<string, Value> };

/**
 * An object with exactly one known key, whose content that key's schema accepts. Dispatching on
 * the key keeps a candle map (thousands of values) fast to check: a union tried up to 12 branches
 * per value took ~8× longer.
 */
export const ValueSchema: z.ZodType<Value> = z.custom<Value>(
  (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const keys = Object.keys(v);
    const kind = keys.length === 1 ? KINDS[keys[0]!] : undefined;
    return kind !== undefined && kind.safeParse((v as Record<string, unknown>)[keys[0]!]).success;
  },
  { error: 'a typed value: an object with exactly one of stringValue, integerValue, doubleValue, mapValue, … holding a valid value' },
);

const KINDS: Record<string, z.ZodType> = {
  stringValue: z.string(),
  booleanValue: z.boolean(),
  nullValue: z.null(),
  integerValue: z.string().regex(/^-?\d{1,19}$/),
  doubleValue: z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity', '-0'])]),
  timestampValue: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/),
  bytesValue: z.base64(),
  geoPointValue: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).strict(),
  referenceValue: z.string().regex(/^[^/]+\/[^/]+(\/[^/]+\/[^/]+)*$/),
  vectorValue: z.array(z.number()),
  arrayValue: z.array(ValueSchema),
  mapValue: z.record(z.string(), ValueSchema),
};

function encodeDouble(n: number): Extract<Value, { doubleValue: unknown }> {
  if (Number.isNaN(n)) return { doubleValue: 'NaN' };
  if (n === Infinity) return { doubleValue: 'Infinity' };
  if (n === -Infinity) return { doubleValue: '-Infinity' };
  if (Object.is(n, -0)) return { doubleValue: '-0' };
  return { doubleValue: n };
}

const DOUBLE_WORDS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

function timestampText(t: Timestamp): string {
  return `${new Date(t.seconds * 1000).toISOString().slice(0, 19)}.${String(t.nanoseconds).padStart(9, '0')}Z`;
}

function parseTimestamp(s: string): Timestamp {
  return new Timestamp(Math.floor(Date.parse(`${s.slice(0, 19)}Z`) / 1000), Number(s.slice(20, 29)));
}

/**
 * Encode one value as read by a client with `useBigInt: true` (integers arrive as bigint, doubles
 * as number): that setting is what tells 2 (integer) from 2.5 (double) and keeps int64 exact.
 */
export function encodeValue(v: unknown): Value {
  if (v === null) return { nullValue: null };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { booleanValue: v };
  if (typeof v === 'bigint') return { integerValue: v.toString() };
  if (typeof v === 'number') return encodeDouble(v);
  if (v instanceof Timestamp) return { timestampValue: timestampText(v) };
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString('base64') };
  if (v instanceof GeoPoint) return { geoPointValue: { latitude: v.latitude, longitude: v.longitude } };
  if (v instanceof VectorValue) return { vectorValue: v.toArray() };
  if (Array.isArray(v)) return { arrayValue: v.map(encodeValue) };
  if (v instanceof DocumentReference) return { referenceValue: v.path };
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return { mapValue: encodeFields(v as DocumentData) };
  }
  throw new TypeError(`cannot encode a Firestore value of type ${Object.prototype.toString.call(v)}`);
}

export function encodeFields(doc: DocumentData): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(doc)) out[k] = encodeValue(v);
  return out;
}

/** The value to hand to a `set()` of `db`: references are re-rooted in that database. */
function decodeValue(v: Value, db: Firestore): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('booleanValue' in v) return v.booleanValue;
  if ('nullValue' in v) return null;
  if ('integerValue' in v) return BigInt(v.integerValue);
  if ('doubleValue' in v) return typeof v.doubleValue === 'number' ? v.doubleValue : DOUBLE_WORDS[v.doubleValue];
  if ('timestampValue' in v) return parseTimestamp(v.timestampValue);
  if ('bytesValue' in v) return Buffer.from(v.bytesValue, 'base64');
  if ('geoPointValue' in v) return new GeoPoint(v.geoPointValue.latitude, v.geoPointValue.longitude);
  if ('referenceValue' in v) return db.doc(v.referenceValue);
  if ('vectorValue' in v) return FieldValue.vector(v.vectorValue);
  if ('arrayValue' in v) return v.arrayValue.map((x) => decodeValue(x, db));
  return decodeFields(v.mapValue, db);
}

export function decodeFields(fields: Record<string, Value>, db: Firestore): DocumentData {
  const out: DocumentData = {};
  for (const [k, v] of Object.entries(fields)) out[k] = decodeValue(v, db);
  return out;
}
