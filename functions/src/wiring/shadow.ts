import { FirestoreShadowStore } from '../adapters/firestore/FirestoreShadowStore.ts';
import type { ShadowDeps } from '../services/shadowDay.ts';
import type { Runtime } from './trading.ts';

/** The shadow backtest's dependencies on a runtime: the executor's stores and config, and the shadow documents. */
export async function shadowDeps(runtime: Runtime): Promise<ShadowDeps> {
  const exec = await runtime.executeDeps();
  return { store: exec.store, shadow: new FirestoreShadowStore(runtime.db), candles: exec.candles, config: exec.config, env: runtime.env };
}
