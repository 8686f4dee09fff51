/**
 * One owner for stored data, enforced: ESLint (the repository's own config) finds no web code that
 * names a Firestore path or decodes a document outside functions/src/shared/store, and the rules
 * behind that fire on what they must (fixtures) and stay quiet on what they must not.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { COLLECTIONS as STORE_COLLECTIONS } from '../functions/src/shared/store/index.ts';
import { COLLECTIONS } from './storePaths.js';

const RULES = ['store/no-literal-path', 'no-restricted-syntax', 'no-restricted-imports'];
const eslint = new ESLint({ cwd: fileURLToPath(new URL('..', import.meta.url)) });

async function fired(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`).filter((id) => RULES.includes(id) || id.startsWith('fatal'));
}

describe('store paths and codecs have one owner', () => {
  it('the lint rule knows every collection of the store (and the retired markets/)', () => {
    expect([...COLLECTIONS].sort()).toEqual([...Object.values(STORE_COLLECTIONS), 'markets'].sort());
  });

  it('no web code reads a path or parses a document outside the shared store', async () => {
    const results = await eslint.lintFiles(['web/src/**/*.ts']);
    const violations = results.flatMap((r) =>
      r.messages.filter((m) => RULES.includes(m.ruleId ?? '')).map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(violations).toEqual([]);
    expect(results.map((r) => r.filePath)).toEqual(
      expect.arrayContaining([expect.stringMatching(/web\/src\/main\.ts$/), expect.stringMatching(/web\/src\/chartPanel\.ts$/)]),
    );
  }, 60_000);

  const FIRES: [string, string, string][] = [
    [
      'a document path',
      "import { doc } from './firestore.ts';\nexport const r = (db: never) => doc(db, 'status/system');",
      'store/no-literal-path',
    ],
    [
      'a bare collection id',
      "declare const db: { collection(p: string): unknown };\nexport const r = db.collection('trades');",
      'store/no-literal-path',
    ],
    [
      'a split path',
      "declare function doc(db: unknown, ...p: string[]): unknown;\nexport const r = doc(null, 'wallet', 'paper');",
      'store/no-literal-path',
    ],
    ['a template path', 'export const p = (key: string, day: string) => `candles/${key}_1m/days/${day}`;', 'store/no-literal-path'],
    [
      'a collection id compared with an id',
      "declare const col: { id: string };\nexport const keep = col.id !== 'status';",
      'store/no-literal-path',
    ],
    ['the retired markets/ collection', "export const p = 'markets/BTC-USDT';", 'store/no-literal-path'],
    ['a document decoded by hand', 'declare const snap: { data(): unknown };\nexport const d = snap.data();', 'no-restricted-syntax'],
    ['a Firestore read outside firestore.ts', "import { getDoc } from 'firebase/firestore';\nexport { getDoc };", 'no-restricted-imports'],
  ];
  for (const [what, code, rule] of FIRES) {
    it(`fires on ${what} in web/src`, async () => expect(await fired(code, 'web/src/fixture.ts')).toContain(rule));
  }

  it('fires in the functions, scripts and tests too', async () => {
    const code = "declare const db: { doc(p: string): unknown };\nexport const r = db.doc('config/bot');";
    for (const file of ['functions/src/services/fixture.ts', 'scripts/fixture.ts', 'test/integration/fixture.ts'])
      expect(await fired(code, file)).toEqual(['store/no-literal-path']);
  });

  it('stays quiet on prose, on store paths and inside the store', async () => {
    expect(
      await fired("export const m = 'status/system does not exist: the bot has never reported a tick.';", 'web/src/fixture.ts'),
    ).toEqual([]);
    expect(
      await fired(
        "import { PATHS } from '../../functions/src/shared/store/index.ts';\nimport { watchDoc } from './firestore.ts';\nexport const w = [PATHS.status, watchDoc];",
        'web/src/fixture.ts',
      ),
    ).toEqual([]);
    expect(await fired("export const p = 'status/system';", 'functions/src/shared/store/fixture.ts')).toEqual([]);
  });
});
