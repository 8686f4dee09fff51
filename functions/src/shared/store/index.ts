/**
 * The one owner of stored data: every Firestore path, document id and bucket rule (paths.ts,
 * candleBucket.ts) and the codec of every stored document (codec.ts). Imported by the functions'
 * adapters, the dashboard, the scripts and the tests; it imports no SDK, so the dashboard bundles it.
 */
export * from './paths.ts';
export * from './candleBucket.ts';
export * from './codec.ts';
export * from './rollups.ts';
export * from './shadow.ts';
