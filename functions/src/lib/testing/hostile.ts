/**
 * fast-check generators of hostile values, shared by the fuzz suites: wrong types, NaN/Infinity,
 * negative and huge numbers, oversized strings, prototype-pollution keys, unknown symbols.
 * Test-only (imported by *.fuzz.test.ts).
 */
import fc from 'fast-check';

export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'] as const;

export const hostileNumber = fc.oneof(
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    -1,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MIN_SAFE_INTEGER - 2,
    9e15,
    5e-324,
    0.1 + 0.2,
  ),
  fc.double(),
  fc.integer(),
  fc.bigInt().map((b) => Number(b)),
);

export const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e999',
    '0x1A',
    '-0',
    '1,5',
    '١٢٣',
    '\u0000',
    '\u202e',
    '<script>',
    "'; DROP TABLE x; --",
    '../../etc/passwd',
    'BTC/USDT',
    'DOGE/XXX',
    'btc/usdt',
    '1m',
    '13m',
    '2023-03-21T14:00:30Z',
    '9999-12-31T23:59:59Z',
    '1970-01-01T00:00:00Z',
    '__proto__',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.nat({ max: 200_000 }).map((n) => 'x'.repeat(n)),
);

export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  hostileString,
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant([]),
  fc.constant({}),
);

/** Arbitrary JSON-ish trees whose keys include prototype-pollution names. */
export const hostileTree: fc.Arbitrary<unknown> = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileLeaf,
    fc.array(tie('tree'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string({ maxLength: 12 })), tie('tree'), { maxKeys: 5 }),
  ),
})).tree;

/** `base` with the value at one random path replaced by a hostile one (or a key added next to it). */
export function mutateAt(base: unknown): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    paths.push(path);
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(base, []);
  return fc
    .tuple(fc.constantFrom(...paths), fc.oneof(hostileTree, hostileLeaf), fc.boolean(), fc.constantFrom(...POLLUTION_KEYS, 'unknownField'))
    .map(([path, value, addKey, key]) => {
      const copy = structuredClone(base) as Record<string, unknown>;
      if (path.length === 0) return value;
      let parent: Record<string, unknown> = copy;
      for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
      if (addKey && parent[path.at(-1)!] && typeof parent[path.at(-1)!] === 'object') {
        Object.defineProperty(parent[path.at(-1)!], key, { value, enumerable: true, configurable: true, writable: true });
      } else parent[path.at(-1)!] = value;
      return copy;
    });
}

const BASELINE = Object.getOwnPropertyNames(Object.prototype).sort().join();

/** Whether Object.prototype still has only its built-in keys, none enumerable (no pollution happened). */
export function prototypeIsClean(): boolean {
  const enumerable: string[] = [];
  for (const k in {}) enumerable.push(k);
  return Object.getOwnPropertyNames(Object.prototype).sort().join() === BASELINE && enumerable.length === 0;
}
