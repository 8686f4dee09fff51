import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { handleBudgetMessage, type BudgetDeps } from '../services/budgetGuard.ts';
import { decodePubSubEvent, RedeliveryError } from './pubsub.ts';

/**
 * Triggered by the budget's Pub/Sub topic. Returning acks; a throw (Firestore or Scheduler
 * unavailable) lets Pub/Sub redeliver, which is safe: every effect is idempotent. Bad payloads
 * are acked into deadletters/ by the service, never retried.
 */
export function makeBudgetGuardHandler(getDeps: () => Promise<BudgetDeps>): CloudEventFunction {
  return async (event) => {
    try {
      await handleBudgetMessage(await getDeps(), decodePubSubEvent(event.data, event.id, event));
    } catch (err) {
      throw new RedeliveryError('budgetGuard', err);
    }
  };
}
