import { describe, expect, it } from 'vitest';
import { MAX_STORED_DEPTH, MAX_STORED_STRING, storableParams } from './storable.ts';

const nest = (levels: number): unknown => (levels === 0 ? 1 : { k: nest(levels - 1) });

describe('storableParams: what an admin request sent, in a form Firestore always accepts', () => {
  it('keeps plain params as a map', () => {
    const params = { set: { risk: { stopAtrMult: 2 }, symbols: ['BTC/USDT'] }, reason: 'x', n: null };
    expect(storableParams(params)).toEqual({ ok: true, value: params });
  });

  it.each([
    ['a 19-level-deep key', { set: nest(19) }, /deeper than 10/],
    ['an empty key', { set: { '': 1 } }, /empty key/],
    ['a reserved key', { set: { __name__: 1 } }, /reserved/],
    ['an array inside an array', { set: { a: [[1]] } }, /array inside an array/],
    ['a huge value', { set: 'x'.repeat(30_000) }, /larger than/],
  ])('stores %s as a bounded string, with the reason', (_name, params, reason) => {
    const s = storableParams(params);
    expect(s.ok).toBe(false);
    if (s.ok) return;
    expect(s.reason).toMatch(reason);
    expect(s.text.length).toBeLessThanOrEqual(MAX_STORED_STRING);
    expect(s.text.startsWith('{"set":')).toBe(true);
  });

  it(`accepts exactly ${MAX_STORED_DEPTH} levels`, () => {
    expect(storableParams({ a: nest(MAX_STORED_DEPTH - 1) }).ok).toBe(true);
    expect(storableParams({ a: nest(MAX_STORED_DEPTH) }).ok).toBe(false);
  });
});
