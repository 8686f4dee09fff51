/** Topics and subscriptions through @google-cloud/pubsub (a real project, or the emulator). */
import type { PubSub } from '@google-cloud/pubsub';
import { MANAGED_LABEL, type ApiKind, type Resource, type Spec } from '../model.ts';
import type { Existing, Provider } from '../plan.ts';

const short = (full: string | null | undefined) => (full ? full.split('/').pop()! : null);
const seconds = (d: { seconds?: unknown } | null | undefined) =>
  d?.seconds === undefined || d.seconds === null ? null : Number(d.seconds);
const LABELS = { [MANAGED_LABEL]: 'true' };

export function topicProvider(pubsub: PubSub): Provider {
  return {
    kind: 'topic',
    async list() {
      const [topics] = await pubsub.getTopics();
      return new Map(
        topics.map((t) => [short(t.name)!, { spec: {}, managed: t.metadata?.labels?.[MANAGED_LABEL] === 'true' } satisfies Existing]),
      );
    },
    async create(r) {
      await pubsub.createTopic({ name: r.name, labels: LABELS });
    },
    async update() {},
    async remove(name) {
      await pubsub.topic(name).delete();
    },
  };
}

interface SubscriptionMetadata {
  topic?: string | null;
  ackDeadlineSeconds?: number | null;
  pushConfig?: { pushEndpoint?: string | null; oidcToken?: { serviceAccountEmail?: string | null } | null } | null;
  deadLetterPolicy?: { deadLetterTopic?: string | null; maxDeliveryAttempts?: number | null } | null;
  retryPolicy?: { minimumBackoff?: { seconds?: unknown } | null; maximumBackoff?: { seconds?: unknown } | null } | null;
  labels?: Record<string, string> | null;
}

export function specOf(m: SubscriptionMetadata): Spec {
  return {
    topic: short(m.topic),
    ackDeadlineSeconds: m.ackDeadlineSeconds ?? null,
    pushEndpoint: m.pushConfig?.pushEndpoint || null,
    pushServiceAccount: m.pushConfig?.oidcToken?.serviceAccountEmail || null,
    deadLetterTopic: short(m.deadLetterPolicy?.deadLetterTopic),
    maxDeliveryAttempts: m.deadLetterPolicy?.maxDeliveryAttempts || null,
    minimumBackoffSeconds: seconds(m.retryPolicy?.minimumBackoff),
    maximumBackoffSeconds: seconds(m.retryPolicy?.maximumBackoff),
  };
}

function metadataOf(pubsub: PubSub, s: Spec) {
  return {
    ackDeadlineSeconds: Number(s.ackDeadlineSeconds),
    pushConfig: s.pushEndpoint
      ? {
          pushEndpoint: String(s.pushEndpoint),
          ...(s.pushServiceAccount ? { oidcToken: { serviceAccountEmail: String(s.pushServiceAccount) } } : {}),
        }
      : {},
    deadLetterPolicy: s.deadLetterTopic
      ? { deadLetterTopic: pubsub.topic(String(s.deadLetterTopic)).name, maxDeliveryAttempts: Number(s.maxDeliveryAttempts) }
      : null,
    retryPolicy:
      s.minimumBackoffSeconds !== null
        ? { minimumBackoff: { seconds: Number(s.minimumBackoffSeconds) }, maximumBackoff: { seconds: Number(s.maximumBackoffSeconds) } }
        : null,
  };
}

const FIELD_TO_METADATA: Record<string, string> = {
  ackDeadlineSeconds: 'ackDeadlineSeconds',
  pushEndpoint: 'pushConfig',
  pushServiceAccount: 'pushConfig',
  deadLetterTopic: 'deadLetterPolicy',
  maxDeliveryAttempts: 'deadLetterPolicy',
  minimumBackoffSeconds: 'retryPolicy',
  maximumBackoffSeconds: 'retryPolicy',
};

export function subscriptionProvider(pubsub: PubSub): Provider {
  return {
    kind: 'subscription',
    async list() {
      const [subs] = await pubsub.getSubscriptions();
      return new Map(
        subs.map((s) => {
          const m = (s.metadata ?? {}) as SubscriptionMetadata;
          return [short(s.name)!, { spec: specOf(m), managed: m.labels?.[MANAGED_LABEL] === 'true' } satisfies Existing];
        }),
      );
    },
    async create(r: Resource<ApiKind>) {
      const md = metadataOf(pubsub, r.spec);
      await pubsub.topic(String(r.spec.topic)).createSubscription(r.name, {
        ...md,
        deadLetterPolicy: md.deadLetterPolicy ?? undefined,
        retryPolicy: md.retryPolicy ?? undefined,
        labels: LABELS,
      });
    },
    async update(r, fields) {
      if (fields.includes('topic')) throw new Error(`subscription ${r.name}: the topic of a subscription cannot change; delete it first`);
      const md = metadataOf(pubsub, r.spec) as Record<string, unknown>;
      const keys = [...new Set(fields.map((f) => FIELD_TO_METADATA[f]!))];
      await pubsub.subscription(r.name).setMetadata(Object.fromEntries(keys.map((k) => [k, md[k]])));
    },
    async remove(name) {
      await pubsub.subscription(name).delete();
    },
  };
}
