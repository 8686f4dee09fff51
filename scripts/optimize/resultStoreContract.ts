/**
 * The ResultStore contract, one suite for every implementation: localResults in the unit suite,
 * gcsResults against the Storage emulator in the integration suite. `open(space)` gives a store at a
 * fresh, empty place (a directory, a gs:// prefix) named by `space`.
 */
import { describe, expect, it } from 'vitest';
import type { ResultStore } from './resultStore.ts';

export function resultStoreContract(name: string, open: (space: string) => Promise<ResultStore>): void {
  describe(`ResultStore contract: ${name}`, () => {
    it('an empty place lists nothing', async () => {
      expect(await (await open('empty')).list()).toEqual([]);
    });

    it('reads back what it wrote, byte for byte, and lists the names sorted', async () => {
      const store = await open('round-trip');
      const text = `${JSON.stringify({ sharpe: 1.25, note: 'é → ✓', big: 12345678901234567890n.toString() })}\n`;
      await store.write('shard-1-of-2.json', text);
      await store.write('shard-0-of-2.json', '{}\n');
      expect(await store.list()).toEqual(['shard-0-of-2.json', 'shard-1-of-2.json']);
      expect(await store.read('shard-1-of-2.json')).toBe(text);
    });

    it('a second write of a name replaces the first', async () => {
      const store = await open('overwrite');
      await store.write('a.json', 'first, and longer than the second');
      await store.write('a.json', 'second');
      expect([await store.list(), await store.read('a.json')]).toEqual([['a.json'], 'second']);
    });

    it('two places do not see each other, even when one is named inside the other', async () => {
      const [outer, inner] = [await open('apart'), await open('apart/inner')];
      await outer.write('x.json', 'outer');
      await inner.write('y.json', 'inner');
      expect([await outer.list(), await inner.list()]).toEqual([['x.json'], ['y.json']]);
    });

    it('refuses names that are not flat, and rejects reading a name never written', async () => {
      const store = await open('refusals');
      for (const bad of ['../x.json', 'a/b.json', '', 'a b.json'])
        await expect(store.write(bad, 'x')).rejects.toThrow(`result file name must be flat (got "${bad}")`);
      await expect(store.read('../x.json')).rejects.toThrow(RangeError);
      await expect(store.read('never.json')).rejects.toThrow();
      expect(await store.list()).toEqual([]);
    });
  });
}
