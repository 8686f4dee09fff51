import type { PubSub, Topic } from '@google-cloud/pubsub';
import { encodeSignal } from '../../domain/signal.ts';
import type { Signal } from '../../domain/trading.types.ts';
import type { SignalBus } from '../../ports/index.ts';

/** Publishes signals with the id as an attribute, so consumers and dead-letter tools can see it unparsed. */
export class PubSubSignalBus implements SignalBus {
  private readonly topic: Topic;
  constructor(pubsub: PubSub, topicName: string) {
    // No client-side batching delay: a tick publishes a handful of signals and wants them out now.
    this.topic = pubsub.topic(topicName, { batching: { maxMessages: 1, maxMilliseconds: 0 } });
  }

  publish(signal: Signal): Promise<string> {
    return this.topic.publishMessage({
      data: Buffer.from(encodeSignal(signal)),
      attributes: { signalId: signal.id, symbol: signal.symbol, side: signal.side, reason: signal.reason },
    });
  }
}
