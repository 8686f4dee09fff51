import { startEmulatorStack } from '../emulators/stack.ts';
import { Firestore } from '@google-cloud/firestore';
const stack = await startEmulatorStack({ projectId: 'demo-x', portOffset: 900, wire: false });
const db = new Firestore({ projectId: 'demo-x', host: stack.firestoreHost, ssl: false });
await db.doc('a/b').set({ x: 1 });
void db.runTransaction(async (t) => { await t.get(db.doc('a/b')); await new Promise(() => {}); });
await new Promise((r) => setTimeout(r, 300));
const t0 = Date.now();
for (let i = 0; i < 40; i++) {
  const s = Date.now();
  const res = await fetch(`http://${stack.firestoreHost}/emulator/v1/projects/demo-x/databases/(default)/documents`, { method: 'DELETE' });
  console.log('clear:', res.status, 'took', Date.now() - s, 'at', Date.now() - t0, 'ms');
  if (res.ok) break;
  await new Promise((r) => setTimeout(r, 5000));
}
await stack.stop(); process.exit(0);
