/**
 * The live path served in-process and driven in lock-step (the parity and shadow tests): the tick
 * behind HTTP, moving a stepped market clock to each tick's asOf, and executeOrder behind the
 * Pub/Sub push, on the suite's emulators, over replayed candles. Call inside a `describe`: it
 * registers its own beforeAll/afterAll (fresh Firestore, optional config/bot, servers up and down).
 */
import { afterAll, beforeAll } from 'vitest';
import type { PubSub } from '@google-cloud/pubsub';
import { makeExecuteOrderHandler } from '../../functions/src/handlers/executeOrder.ts';
import { makeTickHandler } from '../../functions/src/handlers/tick.ts';
import { ReplayMarketData } from '../../functions/src/adapters/replay/ReplayMarketData.ts';
import { CandleWindowCache } from '../../functions/src/services/candleWindow.ts';
import { PATHS } from '../../functions/src/shared/store/index.ts';
import { pubsubClient, resetFirestore, serveCloudEvent, serveHttp, steppedClock, testRuntime, tickMovesClock } from './harness.ts';

export function lockStepLive(env: Record<string, string>, opts: { configDoc?: object } = {}) {
  const clock = steppedClock();
  const cache = new CandleWindowCache();
  const runtime = testRuntime(env, { source: new ReplayMarketData(), cache, clock });
  let pubsub: PubSub | undefined;
  let executor: Awaited<ReturnType<typeof serveCloudEvent>> | undefined;
  let tick: Awaited<ReturnType<typeof serveHttp>> | undefined;

  beforeAll(async () => {
    await resetFirestore({ empty: true });
    if (opts.configDoc) await runtime.db.doc(PATHS.config).set(opts.configDoc);
    pubsub = pubsubClient();
    executor = await serveCloudEvent('executeOrder', makeExecuteOrderHandler(runtime.executeDeps));
    tick = await serveHttp('tick', tickMovesClock(clock, makeTickHandler(runtime.tickDeps)));
  });
  afterAll(async () => {
    await tick?.close();
    await executor?.close();
    await pubsub?.close();
    await runtime.db.terminate();
  });
  return { clock, cache, runtime, tickUrl: () => tick!.url };
}
