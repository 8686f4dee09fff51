import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackupFormatError, countByCollection, DOCUMENTS_FILE, MANIFEST_FILE, readDump, writeDump, type DumpedDoc } from './dump.ts';
import { restoredMode } from './restoreDocuments.ts';
import { PATHS, bucketStart, candleBucketPath, tradePath } from '../../functions/src/shared/store/index.ts';

const NOV_7 = bucketStart(1_667_779_200_000, '1h');
const docs: DumpedDoc[] = [
  { path: candleBucketPath('BTC/USDT', '1h', NOV_7), fields: { bucketStart: { integerValue: '1667779200000' } } },
  { path: tradePath('a'), fields: { qty: { stringValue: '0.19124000' }, at: { timestampValue: '2022-11-07T00:00:00.000000001Z' } } },
  { path: PATHS.wallet, fields: { cash: { stringValue: '1992.02426784' }, ratio: { doubleValue: 'NaN' } } },
];

const tmp = () => mkdtemp(join(tmpdir(), 'eagle-dump-'));

describe('backup directory format', () => {
  it('writes a manifest with counts and checksum, and reads the same documents back', async () => {
    const dir = await tmp();
    const manifest = await writeDump(dir, 'demo-x', docs, new Date('2026-11-23T21:00:00Z'));
    expect(manifest).toMatchObject({
      format: 'eagle-eye-firestore-dump',
      version: 1,
      projectId: 'demo-x',
      createdAt: '2026-11-23T21:00:00.000Z',
      documents: 3,
      collections: { candles: 1, trades: 1, wallet: 1 },
    });
    const back = await readDump(dir);
    expect(back.docs).toEqual(docs);
    expect(back.manifest).toEqual(manifest);
  });

  it('counts subcollection documents under their top-level collection', () => {
    expect(countByCollection([...docs, { path: candleBucketPath('ETH/USDT', '1h', NOV_7), fields: {} }])).toEqual({
      candles: 2,
      trades: 1,
      wallet: 1,
    });
  });

  it('refuses an edited or truncated documents file, a bad line, and a directory that is not a backup', async () => {
    const dir = await tmp();
    await writeDump(dir, 'demo-x', docs);
    const body = await readFile(join(dir, DOCUMENTS_FILE), 'utf8');
    await writeFile(join(dir, DOCUMENTS_FILE), body.replace('1992.02426784', '9992.02426784'));
    await expect(readDump(dir)).rejects.toThrow(/checksum does not match the manifest/);
    await writeFile(join(dir, DOCUMENTS_FILE), body.split('\n').slice(0, 2).join('\n'));
    await expect(readDump(dir)).rejects.toBeInstanceOf(BackupFormatError);

    const bad = await tmp();
    await writeDump(bad, 'demo-x', [{ path: tradePath('a'), fields: { qty: { integerValue: '1.5' } } } as DumpedDoc]);
    await expect(readDump(bad)).rejects.toThrow(/documents.jsonl line 1: /);

    const notBackup = await tmp();
    await expect(readDump(notBackup)).rejects.toThrow(/manifest.json: missing \(is this a backup directory\?\)/);
    await writeFile(join(notBackup, MANIFEST_FILE), '{"format":"something-else"}');
    await expect(readDump(notBackup)).rejects.toThrow(/not an Eagle Eye backup manifest/);
  });
});

describe('the mode a restore leaves', () => {
  it.each([
    [undefined, undefined, 'PAUSED'],
    ['NORMAL', 'NORMAL', 'PAUSED'],
    [undefined, 'OBSERVATION', 'PAUSED'],
    ['PAUSED', 'NORMAL', 'PAUSED'],
    ['KILLED', 'NORMAL', 'KILLED'],
    [undefined, 'KILLED', 'KILLED'],
  ] as const)('live %s, backup %s → %s', (live, backedUp, expected) => {
    expect(restoredMode(live, backedUp)).toBe(expected);
  });
});
