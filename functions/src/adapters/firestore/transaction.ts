import type { Firestore, Transaction } from '@google-cloud/firestore';

/** Attempts when the server closed the transaction under its body (see runTransaction). */
const CLOSED_ATTEMPTS = 3;

/**
 * `db.runTransaction`, run again when the server closed the transaction under it. The Firestore
 * emulator ends a transaction that waited too long for a lock (concurrent transactions on a busy
 * machine) with INVALID_ARGUMENT "Transaction is invalid or closed" (firebase-tools #4473, #6758)
 * where production answers ABORTED, which the client retries by itself. Such a transaction never
 * committed, and every body here is already safe to run again (the client re-runs it on ABORTED),
 * so running it once more keeps the same contract.
 */
export async function runTransaction<T>(
  db: Firestore,
  body: (tx: Transaction) => Promise<T>,
  opts?: Parameters<Firestore['runTransaction']>[1],
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.runTransaction(body, opts);
    } catch (err) {
      if (attempt >= CLOSED_ATTEMPTS || !closedUnderIt(err)) throw err;
    }
  }
}

const closedUnderIt = (err: unknown): boolean =>
  (err as { code?: unknown }).code === 3 && /Transaction is invalid or closed/.test(err instanceof Error ? err.message : String(err));
