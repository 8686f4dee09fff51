import { PubSub } from '@google-cloud/pubsub';
import { SUBSCRIPTIONS, TOPICS, type SubscriptionDef } from '../infra/definitions.ts';

/**
 * Create (or update) the topics and subscriptions production has, on the emulator. Push
 * subscriptions point at the locally served functions: `pushUrl(target)` gives each one's URL.
 * Idempotent: running it twice changes nothing. With `fresh`, existing subscriptions are deleted and
 * recreated, which drops their backlog: a test that starts serving a function must not receive
 * messages an earlier test published while nothing was listening (the emulator keeps redelivering them).
 */
export async function wirePubSub(opts: {
  projectId: string;
  apiEndpoint: string;
  pushUrl: (target: string, topic: string) => string;
  subscriptions?: readonly SubscriptionDef[];
  fresh?: boolean;
}): Promise<void> {
  const pubsub = new PubSub({ projectId: opts.projectId, apiEndpoint: opts.apiEndpoint, emulatorMode: true });
  try {
    for (const name of Object.values(TOPICS)) {
      const [exists] = await pubsub.topic(name).exists();
      if (!exists) await pubsub.createTopic(name);
    }
    for (const def of opts.subscriptions ?? SUBSCRIPTIONS) {
      const sub = pubsub.subscription(def.name);
      const pushConfig = def.pushTo ? { pushEndpoint: opts.pushUrl(def.pushTo, def.topic) } : {};
      const [exists] = await sub.exists();
      if (exists && opts.fresh) await sub.delete();
      else if (exists) {
        await sub.modifyPushConfig(pushConfig);
        continue;
      }
      await pubsub.topic(def.topic).createSubscription(def.name, {
        ackDeadlineSeconds: def.ackDeadlineSeconds,
        pushConfig,
        ...(def.deadLetter
          ? {
              deadLetterPolicy: {
                deadLetterTopic: pubsub.topic(def.deadLetter.topic).name,
                maxDeliveryAttempts: def.deadLetter.maxDeliveryAttempts,
              },
            }
          : {}),
        ...(def.retry
          ? {
              retryPolicy: {
                minimumBackoff: { seconds: def.retry.minimumBackoffSeconds },
                maximumBackoff: { seconds: def.retry.maximumBackoffSeconds },
              },
            }
          : {}),
      });
    }
  } finally {
    await pubsub.close();
  }
}
