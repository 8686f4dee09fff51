/**
 * Backup and restore times for a book the size of a week-long local run, on a fresh emulator (ports
 * shifted by --port-offset, default 6100): a week of bundled 1m candles of BTC/ETH/SOL/XRP stored
 * through the real candle store (7 days × 4 symbols, ~90 KB per day document), plus N small
 * documents (signals-sized) to show the per-document cost. Prints one row per size.
 *
 *   npm run bench:backup [-- --port-offset N]
 */
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulatorStack } from '../../emulators/stack.ts';
import { parseEnv } from '../../functions/src/config/load.ts';
import { createRuntime } from '../../functions/src/wiring/trading.ts';
import { firestoreStores } from '../../functions/src/wiring/stores.ts';
import { PATHS, signalPath } from '../../functions/src/shared/store/index.ts';
import { loadBundledCandles } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { DOCUMENTS_FILE, readAllDocuments, readDump, writeDump } from './dump.ts';
import { restoreDocuments } from './restoreDocuments.ts';

const { values } = parseArgs({ options: { 'port-offset': { type: 'string', default: '6100' } }, strict: true });
const PROJECT_ID = 'demo-eagle-eye-bench';
const stack = await startEmulatorStack({
  projectId: PROJECT_ID,
  portOffset: Number(values['port-offset']),
  reuseFromEnv: false,
  wire: false,
});
process.env.FIRESTORE_EMULATOR_HOST = stack.firestoreHost;
const env = parseEnv({ ...stack.env, LOG_LEVEL: 'error' });
const wipe = () =>
  fetch(`http://${stack.firestoreHost}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`, { method: 'DELETE' });

try {
  console.log('documents  candle-days  small-docs  dump-MB  backup-ms  restore-ms (read+check / write)');
  for (const small of [0, 1000]) {
    await wipe();
    const seed = createRuntime(env);
    const candles = firestoreStores(seed.db).candles;
    for (const symbol of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT'])
      await candles.upsert(symbol, '1m', loadBundledCandles(symbol, '1m').slice(0, 7 * 1440));
    const writer = seed.db.bulkWriter();
    const writes = Array.from({ length: small }, (_, i) =>
      writer.set(seed.db.doc(signalPath(`s${String(i).padStart(6, '0')}`)), {
        symbol: 'BTC/USDT',
        side: 'buy',
        qty: '0.01000000',
        refPrice: '27988.22000000',
        candleTime: 1_679_270_400_000 + i * 60_000,
      }),
    );
    await writer.close();
    await Promise.all(writes);
    await seed.db.terminate();

    const dir = await mkdtemp(join(tmpdir(), 'eagle-bench-'));
    const reader = createRuntime(env);
    reader.db.settings({ useBigInt: true });
    let t = Date.now();
    const docs = await readAllDocuments(reader.db);
    await writeDump(dir, PROJECT_ID, docs);
    const backupMs = Date.now() - t;
    await reader.db.terminate();

    await wipe();
    const target = createRuntime(env);
    t = Date.now();
    const dump = await readDump(dir);
    const readMs = Date.now() - t;
    const result = await restoreDocuments({ db: target.db, store: firestoreStores(target.db).state, now: () => Date.now() }, dump.docs, {
      force: false,
      reason: 'bench',
    });
    const totalMs = readMs + result.restoreMs;
    await target.db.terminate();
    const mb = (await stat(join(dir, DOCUMENTS_FILE))).size / 1e6;
    const days = docs.filter((d) => d.path.startsWith(`${PATHS.candles}/`)).length;
    console.log(
      `${String(docs.length).padStart(9)}  ${String(days).padStart(11)}  ${String(small).padStart(10)}  ${mb.toFixed(1).padStart(7)}  ${String(backupMs).padStart(9)}  ${String(totalMs).padStart(10)} (${readMs} / ${result.restoreMs})`,
    );
  }
} finally {
  await stack.stop();
}
process.exit();
