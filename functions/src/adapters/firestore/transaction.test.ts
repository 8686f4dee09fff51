import type { Firestore } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { runTransaction } from './transaction.ts';

/** A Firestore whose runTransaction fails with the given errors first, then answers. */
function failing(...errors: Error[]) {
  let calls = 0;
  const db = {
    runTransaction: async () => (calls++ < errors.length ? Promise.reject(errors[calls - 1]) : 'committed'),
  } as unknown as Firestore;
  return { db, calls: () => calls };
}
const closed = () => Object.assign(new Error('3 INVALID_ARGUMENT: Transaction is invalid or closed.'), { code: 3 });

describe('runTransaction', () => {
  it('runs a transaction the emulator closed under it again, at most 3 times in all', async () => {
    const once = failing(closed());
    expect(await runTransaction(once.db, async () => 'x')).toBe('committed');
    expect(once.calls()).toBe(2);
    const always = failing(closed(), closed(), closed());
    await expect(runTransaction(always.db, async () => 'x')).rejects.toThrow('Transaction is invalid or closed');
    expect(always.calls()).toBe(3);
  });

  it('passes any other error through at once (another INVALID_ARGUMENT included)', async () => {
    const other = failing(Object.assign(new Error('3 INVALID_ARGUMENT: Document too large'), { code: 3 }));
    await expect(runTransaction(other.db, async () => 'x')).rejects.toThrow('Document too large');
    expect(other.calls()).toBe(1);
  });
});
