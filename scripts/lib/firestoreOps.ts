/**
 * Counts Firestore operations from the outside: wraps a client's two RPC funnels (request and
 * requestStream, which every read and write goes through) and tallies what crosses the wire.
 * - reads: documents asked for in BatchGetDocuments (Firestore bills a missing document too), and
 *   the documents a RunQuery streams back, at least 1 (an empty query is billed one read; queries
 *   are also counted on their own so a budget can forbid them);
 * - writes: the writes inside each Commit (a transaction's or a batch's).
 * The code under test is not touched and keeps no counters of its own.
 */
import type { Firestore } from '@google-cloud/firestore';

export interface OpCounts {
  reads: number;
  writes: number;
  queries: number;
  commits: number;
}

type Funnel = (method: string, ...rest: unknown[]) => unknown;

export function countFirestoreOps(db: Firestore): { counts: () => OpCounts; reset: () => void } {
  const c: OpCounts = { reads: 0, writes: 0, queries: 0, commits: 0 };
  const client = db as unknown as { request: Funnel; requestStream: Funnel };
  const request = client.request.bind(db);
  const requestStream = client.requestStream.bind(db);
  client.request = (method, req, ...rest) => {
    if (method === 'commit' || method === 'batchWrite') {
      c.commits++;
      c.writes += (req as { writes?: unknown[] }).writes?.length ?? 0;
    }
    return request(method, req, ...rest);
  };
  client.requestStream = (method, bidi, req, ...rest) => {
    if (method === 'batchGetDocuments') c.reads += (req as { documents?: unknown[] }).documents?.length ?? 0;
    const stream = requestStream(method, bidi, req, ...rest);
    if (method !== 'runQuery' && method !== 'runAggregationQuery') return stream;
    c.queries++;
    c.reads++;
    // Tap the responses without touching the stream's flow: the 2nd, 3rd… document each add a read.
    return Promise.resolve(stream).then((s) => {
      const emit = (s as NodeJS.EventEmitter).emit.bind(s);
      let docs = 0;
      (s as NodeJS.EventEmitter).emit = (event: string | symbol, ...args: unknown[]) => {
        if (event === 'data' && (args[0] as { document?: unknown } | undefined)?.document && ++docs > 1) c.reads++;
        return emit(event, ...args);
      };
      return s;
    });
  };
  return { counts: () => ({ ...c }), reset: () => Object.assign(c, { reads: 0, writes: 0, queries: 0, commits: 0 }) };
}
