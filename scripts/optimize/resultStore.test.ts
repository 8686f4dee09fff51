import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../lib/cli.ts';
import { gcsResults, localResults, storageEmulator } from './resultStore.ts';
import { resultStoreContract } from './resultStoreContract.ts';

const root = mkdtempSync(join(tmpdir(), 'eagle-results-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
resultStoreContract('localResults', async (space) => localResults(join(root, space)));

describe('gcsResults: which Cloud Storage', () => {
  it('takes STORAGE_EMULATOR_HOST only as http://host:port, and is production only without it', () => {
    expect(storageEmulator({})).toBeUndefined();
    expect(storageEmulator({ STORAGE_EMULATOR_HOST: 'http://127.0.0.1:9199' })).toBe('http://127.0.0.1:9199');
    expect(storageEmulator({ STORAGE_EMULATOR_HOST: 'http://[::1]:9199' })).toBe('http://[::1]:9199');
    for (const bad of ['', '127.0.0.1:9199', 'https://storage.googleapis.com', 'http://h:9199/path', 'http://h:0', 'http://h:70000'])
      expect(() => storageEmulator({ STORAGE_EMULATOR_HOST: bad })).toThrow(
        new UsageError(
          `STORAGE_EMULATOR_HOST must be http://host:port, e.g. http://127.0.0.1:9199 (got "${bad}"); unset it for Cloud Storage`,
        ),
      );
  });

  it('refuses a target that is not gs://bucket[/prefix], and a bad emulator host before any request', async () => {
    await expect(gcsResults('gs://Bad_Bucket/x', {})).rejects.toThrow(
      new UsageError('--results: gs://Bad_Bucket/x is not gs://bucket[/prefix]'),
    );
    await expect(gcsResults('gs://eagle/x', { STORAGE_EMULATOR_HOST: 'localhost:9199' })).rejects.toThrow(UsageError);
  });
});
