/**
 * The whole cloud footprint as one declarative list of resources, built from definitions.ts (the
 * same objects the local stack wires) and backup.ts. `npm run infra:plan` diffs it against the
 * project; `infra:apply` creates or updates what differs; `npm run deploy` ships code (functions,
 * hosting, rules, indexes) with gcloud/firebase from the same model.
 */
import { FUNCTIONS, OPTIMIZE_RESULTS_DAYS, SUBSCRIPTIONS, TOPICS, optimizeBucket, optimizeJob, schedulerJobs } from './definitions.ts';
import { backupPlan } from './backup.ts';
import { CLOUD_RUNTIME } from '../functions/src/runtime.ts';
import { readFileSync } from 'node:fs';

interface FieldOverride {
  readonly collectionGroup: string;
  readonly fieldPath: string;
  readonly indexes: readonly unknown[];
  readonly ttl?: boolean;
}
const FIELD_OVERRIDES = (
  JSON.parse(readFileSync(new URL('../firestore.indexes.json', import.meta.url), 'utf8')) as { fieldOverrides: FieldOverride[] }
).fieldOverrides;

export type ApiKind = 'topic' | 'subscription' | 'schedulerJob' | 'metricDescriptor' | 'alertPolicy' | 'budget';
export type DeployKind =
  'function' | 'serviceAccount' | 'secret' | 'firestoreRules' | 'firestoreIndexes' | 'fieldOverride' | 'hosting' | 'bucket' | 'runJob';
export type Spec = Record<string, string | number | boolean | null | readonly string[]>;

export interface Resource<K extends string = ApiKind | DeployKind> {
  readonly kind: K;
  readonly name: string;
  readonly spec: Spec;
}

export interface ModelOptions {
  projectId: string;
  region: string;
  tickInterval?: string;
  /** monthly budget in USD; the budget notifies budget-alerts at 50/90/100 % actual and 100 % forecast */
  budgetUsd?: number;
  billingAccount?: string;
  /** notification channel for alert policies (projects/…/notificationChannels/…), optional */
  notificationChannel?: string;
}

export const MANAGED_LABEL = 'eagle-eye-infra';

/** What the functions record through the Metrics port (runTick, executeSignal); the drawdown alert policies read drawdown_pct. */
export const METRICS = [
  'tick_latency_ms',
  'candles_ingested',
  'signals_published',
  'stale_feeds',
  'fills',
  'orders_rejected',
  'dead_letters',
  'equity',
  'drawdown_pct',
] as const;

const fnUrl = (o: ModelOptions, target: string) => `https://${o.region}-${o.projectId}.cloudfunctions.net/${target}`;
const sa = (o: ModelOptions, name: string) => `${name}@${o.projectId}.iam.gserviceaccount.com`;

/** Least privilege: one service account per role of the system. */
const SERVICE_ACCOUNTS: Record<string, readonly string[]> = {
  'eagle-eye-fn': [
    'roles/datastore.user',
    'roles/pubsub.publisher',
    'roles/monitoring.metricWriter',
    'roles/secretmanager.secretAccessor',
    'roles/logging.logWriter',
  ],
  'eagle-eye-ops': [
    'roles/datastore.user',
    'roles/pubsub.publisher',
    'roles/cloudscheduler.admin',
    'roles/monitoring.metricWriter',
    'roles/logging.logWriter',
  ],
  'eagle-eye-invoker': ['roles/run.invoker'],
  // the optimiser job: reads the bundled candles from its image, writes shard files to its bucket
  'eagle-eye-optimize': ['roles/storage.objectUser', 'roles/logging.logWriter'],
};
const FUNCTION_SA: Record<string, string> = { admin: 'eagle-eye-ops', budgetGuard: 'eagle-eye-ops' };
const FUNCTION_SECRETS: Record<string, readonly string[]> = {
  tick: ['EXCHANGE_API_KEY', 'EXCHANGE_API_SECRET', 'TELEGRAM_BOT_TOKEN'],
  executeOrder: ['EXCHANGE_API_KEY', 'EXCHANGE_API_SECRET', 'TELEGRAM_BOT_TOKEN'],
  budgetGuard: ['TELEGRAM_BOT_TOKEN'],
  admin: ['TELEGRAM_BOT_TOKEN'],
  audit: ['TELEGRAM_BOT_TOKEN'],
  // one secret holding each source's key ({"<source>": "<secret>"}): config/inboundEnv.ts
  signalWebhook: ['SIGNAL_WEBHOOK_SECRETS', 'TELEGRAM_BOT_TOKEN'],
  telegram: ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET'],
};

function alertPolicies(o: ModelOptions): Resource<'alertPolicy'>[] {
  const metric = (m: string) => `metric.type="custom.googleapis.com/eagle_eye/${m}" AND resource.type="global"`;
  const channel = o.notificationChannel ?? '';
  const p = (
    name: string,
    filter: string,
    comparison: string,
    threshold: number,
    durationS: number,
    severity: string,
  ): Resource<'alertPolicy'> => ({
    kind: 'alertPolicy',
    name,
    spec: { filter, comparison, threshold, durationSeconds: durationS, severity, notificationChannel: channel },
  });
  return [
    p('eagle-eye drawdown > 10 %', metric('drawdown_pct'), 'COMPARISON_GT', 10, 0, 'WARNING'),
    p('eagle-eye drawdown > 15 %', metric('drawdown_pct'), 'COMPARISON_GT', 15, 0, 'CRITICAL'),
    p('eagle-eye feed stale > 5 min', metric('stale_feeds'), 'COMPARISON_GT', 0, 300, 'ERROR'),
    p(
      'eagle-eye function errors',
      'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision" AND metric.labels.response_code_class="5xx"',
      'COMPARISON_GT',
      0,
      300,
      'ERROR',
    ),
    p('eagle-eye dead letters', metric('dead_letters'), 'COMPARISON_GT', 0, 0, 'WARNING'),
    p('eagle-eye no tick for 5 min', metric('tick_latency_ms'), 'METRIC_ABSENT', 0, 300, 'CRITICAL'),
  ];
}

export function desiredResources(o: ModelOptions): Resource[] {
  const out: Resource[] = [];
  for (const t of Object.values(TOPICS)) out.push({ kind: 'topic', name: t, spec: {} });
  for (const s of SUBSCRIPTIONS) {
    out.push({
      kind: 'subscription',
      name: s.name,
      spec: {
        topic: s.topic,
        ackDeadlineSeconds: s.ackDeadlineSeconds,
        pushEndpoint: s.pushTo ? fnUrl(o, s.pushTo) : null,
        pushServiceAccount: s.pushTo ? sa(o, 'eagle-eye-invoker') : null,
        deadLetterTopic: s.deadLetter?.topic ?? null,
        maxDeliveryAttempts: s.deadLetter?.maxDeliveryAttempts ?? null,
        minimumBackoffSeconds: s.retry?.minimumBackoffSeconds ?? null,
        maximumBackoffSeconds: s.retry?.maximumBackoffSeconds ?? null,
      },
    });
  }
  for (const j of schedulerJobs(o.tickInterval)) {
    out.push({
      kind: 'schedulerJob',
      name: j.name,
      spec: {
        schedule: j.schedule,
        timeZone: 'Etc/UTC',
        uri: fnUrl(o, j.target),
        body: JSON.stringify(j.body),
        attemptDeadlineSeconds: j.attemptDeadlineSeconds,
        oidcServiceAccount: sa(o, 'eagle-eye-invoker'),
      },
    });
  }
  const backup = backupPlan({ projectId: o.projectId, region: o.region });
  const ex = backup.exportJob;
  out.push({
    kind: 'schedulerJob',
    name: ex.name,
    spec: {
      schedule: ex.schedule,
      timeZone: ex.timeZone,
      uri: ex.httpTarget.uri,
      body: JSON.stringify(ex.httpTarget.body),
      attemptDeadlineSeconds: ex.attemptDeadlineSeconds,
      oauthServiceAccount: ex.httpTarget.oauthToken.serviceAccountEmail,
    },
  });
  for (const m of METRICS)
    out.push({
      kind: 'metricDescriptor',
      name: `custom.googleapis.com/eagle_eye/${m}`,
      spec: { metricKind: 'GAUGE', valueType: 'DOUBLE', labels: m === 'fills' || m === 'orders_rejected' ? ['symbol'] : [] },
    });
  out.push(...alertPolicies(o));
  out.push({
    kind: 'budget',
    name: 'eagle-eye monthly',
    spec: {
      amountUsd: o.budgetUsd ?? 1,
      topic: TOPICS.budgetAlerts,
      thresholds: ['0.5', '0.9', '1', 'forecast:1'],
      billingAccount: o.billingAccount ?? '',
    },
  });

  for (const [name, roles] of Object.entries(SERVICE_ACCOUNTS)) out.push({ kind: 'serviceAccount', name: sa(o, name), spec: { roles } });
  for (const s of new Set(Object.values(FUNCTION_SECRETS).flat()))
    out.push({ kind: 'secret', name: s, spec: { replication: 'automatic' } });
  for (const f of FUNCTIONS) {
    out.push({
      kind: 'function',
      name: f.target,
      spec: {
        runtime: CLOUD_RUNTIME,
        region: o.region,
        entryPoint: f.target,
        trigger: f.signature === 'http' ? 'http' : `pubsub-push:${f.triggerTopic}`,
        memory: f.memory,
        timeoutSeconds: f.timeoutSeconds,
        maxInstances: f.target === 'tick' ? 1 : 3,
        minInstances: 0,
        serviceAccount: sa(o, FUNCTION_SA[f.target] ?? 'eagle-eye-fn'),
        secrets: FUNCTION_SECRETS[f.target] ?? [],
        ingress: 'all',
        allowUnauthenticated: f.public === true,
      },
    });
  }
  out.push(
    { kind: 'firestoreRules', name: 'firestore.rules', spec: {} },
    { kind: 'firestoreIndexes', name: 'firestore.indexes.json', spec: {} },
  );
  // firestore.indexes.json is what `firebase deploy` applies: the plan shows its field overrides (the candle map's index
  // exemption, the TTL that deletes used Telegram buttons), never a second list of them
  for (const f of FIELD_OVERRIDES)
    out.push({
      kind: 'fieldOverride',
      name: `${f.collectionGroup}.${f.fieldPath}`,
      spec: { indexed: f.indexes.length > 0, ttl: f.ttl === true },
    });
  out.push({
    kind: 'bucket',
    name: backup.bucket.name,
    spec: { location: backup.bucket.location, deleteAfterDays: backup.bucket.lifecycle.rule[0]!.condition.age },
  });
  const job = optimizeJob(o.projectId);
  out.push({ kind: 'bucket', name: optimizeBucket(o.projectId), spec: { location: o.region, deleteAfterDays: OPTIMIZE_RESULTS_DAYS } });
  out.push({
    kind: 'runJob',
    name: job.name,
    spec: {
      region: o.region,
      tasks: job.tasks,
      parallelism: job.parallelism,
      cpu: job.cpu,
      memory: job.memory,
      taskTimeoutSeconds: job.taskTimeoutSeconds,
      maxRetries: job.maxRetries,
      serviceAccount: sa(o, 'eagle-eye-optimize'),
      command: job.command,
      args: job.args,
    },
  });
  out.push({ kind: 'hosting', name: 'web/dist', spec: {} });
  return out;
}

export const API_KINDS: readonly ApiKind[] = ['topic', 'subscription', 'schedulerJob', 'metricDescriptor', 'alertPolicy', 'budget'];
export const isApiResource = (r: Resource): r is Resource<ApiKind> => (API_KINDS as readonly string[]).includes(r.kind);
