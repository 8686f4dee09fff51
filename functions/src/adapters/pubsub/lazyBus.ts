import type { Signal } from '../../domain/trading.types.ts';
import type { SignalBus } from '../../ports/index.ts';
import { PubSubSignalBus } from './PubSubSignalBus.ts';

/**
 * A signal bus that loads the Pub/Sub client on its first publish: a tick with nothing to publish
 * (nearly all of them) never pays for it, and executeOrder, audit and budgetGuard never do.
 */
export function lazyPubSubBus(projectId: string, topic: string): SignalBus {
  let bus: Promise<SignalBus> | undefined;
  const load = () =>
    (bus ??= import('./client.ts').then(
      ({ PubSub }) => new PubSubSignalBus(new PubSub({ projectId }), topic),
      (err: unknown) => {
        bus = undefined; // a failed load is retried by the next publish
        throw err;
      },
    ));
  return { publish: async (signal: Signal) => (await load()).publish(signal) };
}
