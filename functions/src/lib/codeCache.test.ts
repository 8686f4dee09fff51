import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cachePathOf, loadBundle } from './codeCache.ts';

const BUNDLE = `
const helper = require('node:path').basename;
function square(n) { return n * n; }
module.exports = { sum: [1, 2, 3].map(square).reduce((a, b) => a + b), url: __eagleMetaUrl, resolved: __eagleMetaResolve('pkg'), base: helper(__filename), dir: __dirname, load: (s) => __eagleImport(s) };
`;

describe('loadBundle (CommonJS bundle + V8 code cache)', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const setup = (src = BUNDLE) => {
    dir = mkdtempSync(join(tmpdir(), 'eagle-codecache-'));
    const file = join(dir, 'fn.cjs');
    writeFileSync(file, src);
    return file;
  };
  const resolve = (s: string) => `resolved:${s}`;
  const esm = (s: string) => Promise.resolve(`imported:${s}`);
  const opts = { resolve, import: esm };

  it('runs the bundle as CommonJS with stand-ins for import.meta and import(), and writes a cache when asked', async () => {
    const file = setup();
    const made = loadBundle(file, { ...opts, writeCache: true });
    expect(made.exports).toMatchObject({ sum: 14, url: pathToFileURL(file).href, resolved: 'resolved:pkg', base: 'fn.cjs', dir });
    expect(await (made.exports as { load: (s: string) => Promise<string> }).load('ccxt')).toBe('imported:ccxt');
    expect(made).toMatchObject({ cacheAccepted: false, cacheRejected: false });
    expect(readFileSync(cachePathOf(file)).length).toBeGreaterThan(0);
  });

  it('a later load uses the cache V8 accepts', () => {
    const file = setup();
    loadBundle(file, { ...opts, writeCache: true });
    const again = loadBundle(pathToFileURL(file), opts);
    expect(again).toMatchObject({ cacheAccepted: true, cacheRejected: false });
    expect((again.exports as { sum: number }).sum).toBe(14);
  });

  it('without a cache file it still loads', () => {
    const file = setup();
    expect(existsSync(cachePathOf(file))).toBe(false);
    expect(loadBundle(file, opts)).toMatchObject({ cacheAccepted: false, cacheRejected: false, exports: { sum: 14 } });
  });

  it('a cache made from other source of the same length (which V8 alone would run) is refused, and the new source runs', () => {
    const file = setup();
    loadBundle(file, { ...opts, writeCache: true });
    writeFileSync(file, BUNDLE.replace('n * n', 'n + n'));
    const changed = loadBundle(file, opts);
    expect(changed).toMatchObject({ cacheAccepted: false, cacheRejected: true });
    expect((changed.exports as { sum: number }).sum).toBe(12);
  });

  it('a corrupt cache is refused, and the bundle runs', () => {
    const file = setup();
    loadBundle(file, { ...opts, writeCache: true });
    const bytes = readFileSync(cachePathOf(file));
    bytes.fill(7, bytes.length - 64, bytes.length - 16); // the V8 data, past our header
    writeFileSync(cachePathOf(file), bytes);
    expect(loadBundle(file, opts)).toMatchObject({ cacheRejected: true, exports: { sum: 14 } });
  });

  describe('a sibling bundle the bundle requires', () => {
    const SIBLING = `let n = 0; module.exports = { load: () => ++n, hello: (s) => 'hello ' + s, url: __eagleMetaUrl };`;
    const MAIN = `const a = require('../part/sibling.cjs'); const b = require('../part/sibling.cjs'); module.exports = { same: a === b, loads: a.load(), hi: a.hello('x'), url: a.url, path: require('node:path').sep };`;
    /** <tmp>/fn/main.cjs and <tmp>/part/sibling.cjs: a fresh pair per test (siblings load once per process) */
    const setupPair = (sibling = SIBLING) => {
      dir = mkdtempSync(join(tmpdir(), 'eagle-codecache-'));
      const main = join(dir, 'fn', 'main.cjs');
      const sib = join(dir, 'part', 'sibling.cjs');
      for (const [file, src] of [
        [main, MAIN],
        [sib, sibling],
      ] as const) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, src);
      }
      return { main, sib };
    };

    it("loads through the loader with its own cache, once per process, while other requires stay Node's", () => {
      const { main, sib } = setupPair();
      expect(loadBundle(sib, { ...opts, writeCache: true }).cacheAccepted).toBe(false);
      const refused: string[] = [];
      const loaded = loadBundle(main, { ...opts, onCacheRefused: (f) => refused.push(f) });
      expect(loaded.exports).toEqual({ same: true, loads: 1, hi: 'hello x', url: pathToFileURL(sib).href, path: sep });
      expect(refused).toEqual([]);
    });

    it("a stale sibling cache is refused, reported, and the sibling's new source runs", () => {
      const { main, sib } = setupPair(SIBLING.replace("'hello '", "'HELLO '"));
      loadBundle(sib, { ...opts, writeCache: true });
      writeFileSync(sib, SIBLING); // same length, other source
      const refused: string[] = [];
      const loaded = loadBundle(main, { ...opts, onCacheRefused: (f) => refused.push(f) });
      expect((loaded.exports as { hi: string }).hi).toBe('hello x');
      expect(refused).toEqual([sib]);
    });
  });
});
