import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { executeSignalMessage, type ExecuteDeps } from '../services/executeSignal.ts';
import { decodePubSubEvent, RedeliveryError } from './pubsub.ts';

/**
 * Pub/Sub-triggered. Returning acks the message; throwing makes Pub/Sub redeliver — which is what
 * we want for transient errors (Firestore contention/unavailable) and never for poison, which
 * executeSignalMessage acks into deadletters/.
 */
export function makeExecuteOrderHandler(getDeps: () => Promise<ExecuteDeps>): CloudEventFunction {
  return async (event) => {
    try {
      await executeSignalMessage(await getDeps(), decodePubSubEvent(event.data, event.id, event));
    } catch (err) {
      throw new RedeliveryError('executeOrder', err);
    }
  };
}
